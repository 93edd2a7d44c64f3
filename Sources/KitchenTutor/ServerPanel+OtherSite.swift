import KitchenServer

extension ServerPanel {
    /// Serves the lesson's other site (or stops it when the lesson has none) and says where it is.
    func serveOtherSite(_ directory: String?) {
        do {
            let url = try Blocking.run { [otherSite, server] in try await otherSite.serve(directory, beside: server) }
            if let url, let session {
                session.output.writeLine("Other site: \(url)  (another origin: its pages call this server cross-origin; cors other-site allows it)")
            }
        } catch {
            session?.errors.writeLine("The other site did not start: \(error)")
        }
    }
}
