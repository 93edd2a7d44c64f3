/// Quoting for identifiers that Kitchen itself puts into SQL (table names from the schema).
public enum SQLIdentifier {
    public static func quote(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}
