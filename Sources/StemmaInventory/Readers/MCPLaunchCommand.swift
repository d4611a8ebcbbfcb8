public import StemmaGraph

/// The package a stdio MCP server runs, as its launch command names it.
public struct MCPLaunchPackage: Sendable, Equatable {
    /// The package: `pkg:npm/...`, `pkg:pypi/...` or `pkg:oci/...`; versioned when the command names a version
    /// (for OCI images a tag or a digest).
    public var ref: ComponentRef
    /// Whether the command fixes exactly what runs: an exact npm version, a PyPI `==` version, an OCI digest.
    /// `npx -y pkg`, `uvx pkg` and image tags resolve to whatever is current at launch.
    public var pinned: Bool

    /// Creates a launch package.
    public init(ref: ComponentRef, pinned: Bool) {
        self.ref = ref
        self.pinned = pinned
    }
}

/// Derives the package behind an MCP server's launch command: `npx [-y] <pkg>[@ver]` (also `bunx`,
/// `pnpm dlx`, `npm exec`) → npm; `uvx <pkg>[==ver]` (also `uv tool run`) and `pipx run <pkg>` → PyPI;
/// `docker run … <image>[:tag|@sha256:…]` (also `podman`) → OCI. Anything else (`python -m mod`,
/// `node ./server.js`, a path, a URL or git spec) is local or unresolvable and gives nil.
public enum MCPLaunchCommand {
    /// The package the command runs, or nil.
    /// - Parameters:
    ///   - command: the `command` field (a bare name or a path; `.cmd` / `.exe` and `cmd /c` are looked through).
    ///   - arguments: the `args` field.
    public static func package(command: String, arguments: [String]) -> MCPLaunchPackage? {
        if let direct = launched(command: command, arguments: arguments) { return direct }
        // A whole command line in `command` (`"npx -y pkg"`, which clients that start servers through a shell
        // run), or a shell's `-c` line, names its package the same way: read as words, not as a local program.
        // (A path with a space, `C:\Program Files\nodejs\npx.cmd`, was tried whole above.)
        let words = command.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.count > 1 {
            return launched(command: words[0], arguments: Array(words.dropFirst()) + arguments)
        }
        let shell = FormatReaderSupport.fileName(of: command).lowercased()
        if ["sh", "bash", "zsh", "dash"].contains(shell), arguments.count >= 2, arguments[0] == "-c" {
            let line = arguments[1].split(whereSeparator: \.isWhitespace).map(String.init)
            guard let first = line.first else { return nil }
            return launched(command: first, arguments: Array(line.dropFirst()))
        }
        return nil
    }

    private static func launched(command: String, arguments: [String]) -> MCPLaunchPackage? {
        var program = FormatReaderSupport.fileName(of: command.replacingBackslashes).lowercased()
        for suffix in [".cmd", ".exe", ".bat"] where program.hasSuffix(suffix) { program.removeLast(suffix.count) }
        var args = ArraySlice(arguments)
        if program == "cmd", args.first?.lowercased() == "/c", args.count >= 2 {
            return launched(command: args[args.startIndex + 1], arguments: Array(args.dropFirst(2)))
        }
        switch program {
        case "npx", "bunx":
            return npm(args)
        case "pnpm", "yarn", "npm":
            return args.first == (program == "npm" ? "exec" : "dlx") ? npm(args.dropFirst()) : nil
        case "uvx":
            return python(args, specFlag: "--from")
        case "uv" where args.starts(with: ["tool", "run"]):
            return python(args.dropFirst(2), specFlag: "--from")
        case "pipx" where args.first == "run":
            return python(args.dropFirst(), specFlag: "--spec")
        case "docker", "podman":
            while let first = args.first, first.hasPrefix("-") {  // global flags (`--context prod`)
                args.removeFirst()
                if dockerGlobalValueFlags.contains(first) { args = args.dropFirst() }
            }
            guard args.first == "run" || (args.first == "container" && args.dropFirst().first == "run")
            else { return nil }
            return oci(args.drop { $0 != "run" }.dropFirst())
        default:
            return nil
        }
    }

    // MARK: npm

    private static let npmValueFlags: Set<String> = [
        "-c", "--call", "--registry", "--cache", "--userconfig", "--node-options", "-w", "--workspace",
    ]

    private static func npm(_ args: ArraySlice<String>) -> MCPLaunchPackage? {
        guard let spec = firstPositional(args, valueFlags: npmValueFlags, specFlags: ["-p", "--package"]) else {
            return nil
        }
        // The version follows the last `@` that does not start the name (`@scope/name@1.2.3`).
        let at = spec.lastIndex(of: "@").flatMap { $0 == spec.startIndex ? nil : $0 }
        let name = at.map { String(spec[..<$0]) } ?? spec
        let version = at.map { String(spec[spec.index(after: $0)...]) }
        guard isRegistryName(name) else { return nil }
        let pinned = version.map(isExactVersion) ?? false
        let ref = ComponentRef(kind: .package, ecosystem: "npm", name: name, version: pinned ? version : nil)
        return MCPLaunchPackage(ref: ref, pinned: pinned)
    }

    // MARK: PyPI

    private static let pythonValueFlags: Set<String> = [
        "--with", "--with-editable", "--with-requirements", "-p", "--python", "--index", "--index-url",
        "--extra-index-url", "--default-index", "-c", "--constraints", "--pip-args", "--suffix",
    ]

    private static func python(_ args: ArraySlice<String>, specFlag: String) -> MCPLaunchPackage? {
        guard let spec = firstPositional(args, valueFlags: pythonValueFlags, specFlags: [specFlag]) else {
            return nil
        }
        var name = Substring(spec)
        var version: String?
        var pinned = false
        if let range = spec.firstRange(of: "==") {
            name = spec[..<range.lowerBound]
            let exact = String(spec[range.upperBound...])
            pinned = !exact.isEmpty && !exact.contains("*") && !exact.contains(",")
            version = pinned ? exact : nil
        } else if let at = spec.firstIndex(of: "@") {
            name = spec[..<at]
            let requested = String(spec[spec.index(after: at)...])
            pinned = isExactVersion(requested)
            version = pinned ? requested : nil
        } else if let operatorStart = spec.firstIndex(where: { "<>=!~;".contains($0) }) {
            name = spec[..<operatorStart]
        }
        if let bracket = name.firstIndex(of: "[") { name = name[..<bracket] }
        let bare = String(name)
        guard isRegistryName(bare), !bare.contains("/") else { return nil }
        return MCPLaunchPackage(
            ref: ComponentRef(kind: .package, ecosystem: "pypi", name: bare, version: version), pinned: pinned)
    }

    // MARK: OCI

    private static let dockerValueFlags: Set<String> = [
        "-e", "--env", "--env-file", "-v", "--volume", "--mount", "--name", "-p", "--publish", "--network", "--net",
        "-w", "--workdir", "-u", "--user", "--entrypoint", "--platform", "-l", "--label", "--add-host", "--cpus",
        "-m", "--memory", "--pull", "--restart", "-h", "--hostname", "--cap-add", "--cap-drop", "--device",
        "--dns", "--gpus", "--ipc", "--label-file", "--log-driver", "--log-opt", "--pid", "--runtime",
        "--security-opt", "--shm-size", "--stop-signal", "--tmpfs", "--ulimit", "--userns", "--uts", "--cidfile",
        "--group-add", "--expose", "--health-cmd", "--isolation", "--link", "--mac-address", "--memory-swap",
        // A value flag missing here would take its value for the image, and name the server by the wrong package.
        "-a", "--attach", "--annotation", "--blkio-weight", "--blkio-weight-device", "--cgroupns", "--cgroup-parent",
        "-c", "--cpu-shares", "--cpu-period", "--cpu-quota", "--cpu-rt-period", "--cpu-rt-runtime", "--cpuset-cpus",
        "--cpuset-mems", "--detach-keys", "--device-cgroup-rule", "--device-read-bps", "--device-read-iops",
        "--device-write-bps", "--device-write-iops", "--dns-option", "--dns-search", "--domainname",
        "--health-interval", "--health-retries", "--health-start-interval", "--health-start-period",
        "--health-timeout", "--ip", "--ip6", "--kernel-memory", "--link-local-ip", "--memory-reservation",
        "--memory-swappiness", "--network-alias", "--net-alias", "--oom-score-adj", "--pids-limit", "--storage-opt",
        "--sysctl", "--stop-timeout", "--volume-driver", "--volumes-from", "--pod", "--secret", "--arch", "--os",
        "--variant", "--env-host", "--authfile", "--creds", "--cert-dir", "--decryption-key",
    ]

    /// Docker's and Podman's global flags that take a value, before `run` (`docker --context prod run …`).
    private static let dockerGlobalValueFlags: Set<String> = [
        "-c", "--context", "-H", "--host", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey",
        "--connection", "--url", "--identity", "--root", "--runroot", "--storage-driver", "--cgroup-manager",
    ]

    private static func oci(_ args: ArraySlice<String>) -> MCPLaunchPackage? {
        guard let image = firstPositional(args, valueFlags: dockerValueFlags, specFlags: []), !image.isEmpty,
            !image.contains("$")
        else { return nil }
        var name = Substring(image)
        var version: String?
        var pinned = false
        if let at = name.firstIndex(of: "@") {
            version = String(name[name.index(after: at)...])
            pinned = version?.hasPrefix("sha256:") == true
            name = name[..<at]
        }
        let lastSlash = name.lastIndex(of: "/") ?? name.startIndex
        if let colon = name[lastSlash...].lastIndex(of: ":") {
            if version == nil { version = String(name[name.index(after: colon)...]) }
            name = name[..<colon]
        }
        guard !name.isEmpty else { return nil }
        return MCPLaunchPackage(
            ref: ComponentRef(kind: .package, ecosystem: "oci", name: String(name), version: version), pinned: pinned)
    }

    // MARK: Shared

    /// The package spec: the value of a spec flag (`-p pkg`, `--from pkg`) if given, else the first argument that
    /// is not a flag or a flag's value.
    private static func firstPositional(
        _ args: ArraySlice<String>, valueFlags: Set<String>, specFlags: Set<String>
    ) -> String? {
        var index = args.startIndex
        var positional: String?
        while index < args.endIndex {
            let arg = args[index]
            index += 1
            if arg == "--" {
                if positional == nil, index < args.endIndex { positional = args[index] }
                break
            }
            guard arg.hasPrefix("-"), arg.count > 1 else {
                if positional == nil { positional = arg }
                continue
            }
            let flag = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            let inlineValue = arg.contains("=") ? String(arg.drop { $0 != "=" }.dropFirst()) : nil
            if specFlags.contains(flag) {
                if let inlineValue { return inlineValue }
                return index < args.endIndex ? args[index] : nil
            }
            if valueFlags.contains(flag) && inlineValue == nil { index += 1 }
        }
        return positional
    }

    /// A registry package name, not a path, URL, git spec or tarball.
    private static func isRegistryName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("."), !name.hasPrefix("/"), !name.hasPrefix("~"),
            !name.contains(":"), !name.hasSuffix(".tgz"), !name.contains("\\")
        else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || "-_./@".contains($0) }
    }

    /// An exact version (`1.2.3`, `2025.4.7`, `1.0.0-rc.1`), not a tag (`latest`) or a range (`^1.2`).
    private static func isExactVersion(_ text: String) -> Bool {
        guard let first = text.first, first.isNumber else { return false }
        let parts = text.split(separator: ".")
        return parts.count >= 2 && !text.contains(where: { "^~<>=*| ".contains($0) })
            && !parts.contains { $0 == "x" || $0 == "X" }
    }
}

extension String {
    fileprivate var replacingBackslashes: String { String(map { $0 == "\\" ? "/" : $0 }) }
}
