import StemmaCore

/// How OSV ecosystem names and package names meet Stemma's ``ComponentRef`` identities.
public enum OSVEcosystem {
    /// The ecosystem as a ``ComponentRef`` ecosystem (a purl type): lowercased, so `PyPI` is `pypi`; OSV's own
    /// names mapped to purl types (`Go` → `golang`, `crates.io` → `cargo`, `RubyGems` → `gem`, `Packagist` →
    /// `composer`); a repository URL suffix dropped (`Maven:https://maven.google.com` → `maven`). Release
    /// suffixes of distributions (`Debian:12`) are kept: they scope the advisory.
    public static func key(_ ecosystem: String) -> String {
        var lowered = ecosystem.trimmedWhitespace.lowercased()
        if let colon = lowered.firstIndex(of: ":"), lowered[colon...].contains("://") {
            lowered = String(lowered[..<colon])
        }
        switch lowered {
        case "go": return "golang"
        case "crates.io": return "cargo"
        case "rubygems": return "gem"
        case "packagist": return "composer"
        default: return lowered
        }
    }

    /// A package name normalised for its ecosystem key, as ``ComponentRef`` normalises it (PyPI: PEP 503;
    /// npm: lowercase; otherwise as written, without surrounding white space).
    public static func normalizedName(_ name: String, ecosystemKey: String) -> String {
        // OSV names a Maven artifact `group:artifact`; its purl (and so the component) `group/artifact`. Without
        // this, no Maven advisory (Log4Shell) ever matched a Maven component.
        let name = ecosystemKey == "maven" ? String(name.map { $0 == ":" ? "/" : $0 }) : name
        return ComponentRef.normalize(name: name, ecosystem: ecosystemKey)
    }
}

/// An ecosystem key and normalised name: what an advisory and a component must share to match.
struct PackageKey: Hashable, Sendable {
    let ecosystem: String
    let name: String

    init(ecosystem: String, name: String) {
        self.ecosystem = OSVEcosystem.key(ecosystem)
        self.name = OSVEcosystem.normalizedName(name, ecosystemKey: self.ecosystem)
    }
}
