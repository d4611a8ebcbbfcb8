/// The purl specification's per-type rules for names and versions (`PURL-TYPES.rst`), so that two spellings the
/// registry treats as one package give one ``ComponentRef``.
enum PurlNormalization {
    /// Types whose namespace and name the purl specification says are case-insensitive and must be lowercased.
    static let lowercasedTypes: Set<String> = [
        "alpm", "apk", "bitbucket", "bitnami", "composer", "deb", "github", "hex", "npm", "oci", "pub", "qpkg",
        "luarocks",
    ]

    /// Docker Hub's names for itself: `docker.io/library/python`, `index.docker.io/library/python` and `python`
    /// pull the same image.
    private static let dockerHubHosts = ["docker.io/", "index.docker.io/", "registry-1.docker.io/"]

    /// The type Stemma files a purl type under: `docker` images and `oci` images are one namespace of images
    /// (Stemma names an image by its full reference, registry included), so both are `oci`.
    static func type(_ type: String) -> String {
        type == "docker" ? "oci" : type
    }

    /// The name as the type's rules write it.
    static func name(_ name: String, type: String?) -> String {
        guard let type else { return name }
        switch type {
        case "pypi": return ComponentRef.pep503(name)
        case "oci": return image(name.lowercased())
        default: return lowercasedTypes.contains(type) ? name.lowercased() : name
        }
    }

    /// The version as the type's rules write it: Hugging Face revisions that are commit hashes are lowercase hex,
    /// OCI digests are lowercase; everything else is kept as written.
    static func version(_ version: String, type: String?) -> String {
        switch type {
        case "huggingface":
            // Lowercase a commit hash only when it has capitals, so the usual lowercase hash is not copied.
            let bytes = version.utf8
            guard bytes.contains(where: { $0 >= 65 && $0 <= 70 }),
                bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) })
            else { return version }
            return version.lowercased()
        case "oci" where version.lowercased().hasPrefix("sha256:"): return version.lowercased()
        default: return version
        }
    }

    /// An image reference without Docker Hub's implicit host and `library/` namespace.
    private static func image(_ name: String) -> String {
        var rest = Substring(name)
        for host in dockerHubHosts where rest.hasPrefix(host) {
            rest = rest.dropFirst(host.count)
            break
        }
        if rest.hasPrefix("library/"), rest.dropFirst(8).contains("/") == false { rest = rest.dropFirst(8) }
        return String(rest)
    }
}
