import HummingbirdBcrypt
import KitchenSQL
import Synchronization

/// `bcrypt_hash(password)` and `bcrypt_verify(password, hash)` in SQL, so lessons can store and
/// check passwords the right way (a slow, salted hash) with nothing but SQL.
public enum BcryptFunctions {
    /// Cost 8 keeps a hash near 20 ms: slow enough to show why bcrypt resists guessing, fast enough
    /// for a check that sends dozens of probe requests.
    public static let standardCost: UInt8 = 8
    /// The cost of hashes made from now on in this process (`bcrypt_verify` reads the cost
    /// stored in each hash).
    public static var cost: UInt8 { costSetting.load(ordering: .relaxed) }
    private static let costSetting = Atomic<UInt8>(standardCost)

    /// The lowest cost bcrypt allows: a hash in well under a millisecond. For proving lessons
    /// (`kitchen lessons test`), where every hash is thrown away and only what the SQL does with
    /// it counts: a hash of any cost has the same form (`$2b$NN$` and 53 characters) and verifies
    /// the same passwords.
    public static let fastestCost: UInt8 = 4

    /// Sets the cost of the hashes this process makes from now on.
    public static func setCost(_ cost: UInt8) {
        costSetting.store(min(31, max(fastestCost, cost)), ordering: .relaxed)
    }

    /// Makes the functions part of every connection the process opens from now on.
    public static func registerEverywhere() {
        ConnectionFunctions.register { try install(on: $0) }
    }

    public static func install(on connection: Connection) throws {
        try connection.createFunction("bcrypt_hash", arguments: 1) { arguments in
            guard case .text(let password) = arguments[0] else {
                if arguments[0].isNull { return .null }
                throw SQLFunctionError("bcrypt_hash takes text")
            }
            return .text(Bcrypt.hash(password, cost: cost))
        }
        try connection.createFunction("bcrypt_verify", arguments: 2) { arguments in
            guard case .text(let password) = arguments[0], case .text(let hash) = arguments[1] else { return .integer(0) }
            return .integer(Bcrypt.verify(password, hash: hash) ? 1 : 0)
        }
    }
}
