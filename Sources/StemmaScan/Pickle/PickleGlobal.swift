/// An import a pickle performs, normalised the way the unpickler resolves it.
struct PickleGlobal: Hashable {
    /// The module after the Python 2 mapping and the private-module aliases (`os` for `posix`).
    var module: String
    /// The qualified name inside the module (may be dotted: `_os.system`).
    var name: String
    /// `module.name` as the file spells it, when normalisation changed it.
    var spelledAs: String?

    /// `module.name`.
    var qualified: String { module + "." + name }

    /// Private modules that are other modules under another name (unsafe-formats.md §6.3 rule 2).
    static let aliases: [String: String] = [
        "posix": "os", "nt": "os", "_operator": "operator", "_pickle": "pickle", "cPickle": "pickle", "_io": "io",
        "__builtin__": "builtins", "__builtins__": "builtins", "_codecs": "codecs", "_functools": "functools",
        "_socket": "socket", "_posixsubprocess": "subprocess",
        // io's pure-Python implementation: the same open() and FileIO.
        "_pyio": "io",
    ]

    /// Normalises `module` / `name` as CPython's `find_class(fix_imports=True)` does for `protocol`, then applies
    /// the aliases to the module's first component.
    init(module rawModule: String, name rawName: String, protocol protocolVersion: Int) {
        var module = rawModule
        var name = rawName
        if protocolVersion < 3 {
            if let mapped = PickleCompatNames.names[module + " " + name] {
                module = mapped.module
                name = mapped.name
            } else if let mapped = PickleCompatNames.modules[module] {
                module = mapped
            }
        }
        let head = module.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        if let first = head.first, let alias = PickleGlobal.aliases[String(first)] {
            module = head.count > 1 ? alias + "." + head[1] : alias
        }
        self.module = module
        self.name = name
        let raw = rawModule + "." + rawName
        self.spelledAs = raw == module + "." + name ? nil : raw
    }
}
