import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

/// The conventions every subcommand shares (issue 14): help that matches what runs, `-o` and `-q`, typos named
/// first, errors that say what to do, `--version`, completion.
@Suite struct ConventionsTests {
    private let stemma: String
    private let repository: String
    private let folder: TemporaryFolder

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
        folder = try TemporaryFolder()
    }

    private func run(_ arguments: [String]) throws -> CommandResult {
        try Command.run(stemma, arguments, in: repository)
    }

    /// A signed envelope over a small JSON document, for `verify-attestation`.
    private func envelope() throws -> String {
        let document = try folder.write("doc.json", #"{"name": "doc"}"#)
        let output = folder.url("doc.intoto.json")
        let attested = try run([
            "attest", document, "--private-key", "examples/keys/acme-release.key.pem", "--predicate-type",
            "https://example.com/doc", "-o", output, "-q",
        ])
        #expect(attested.status == 0, "\(attested.standardError)")
        return output
    }

    /// Arguments that make each reporting subcommand run to the end on the repository's examples.
    private func workingArguments(_ command: String) throws -> [String] {
        switch command {
        case "verify": return ["verify", "examples/bundles/sentiment-ft", "--trust-roots", "trust-roots/demo"]
        case "sign":
            if (try? folder.read("model/weights.bin")) == nil {
                try folder.write("model/weights.bin", [UInt8](repeating: 7, count: 1000))
            }
            return ["sign", folder.url("model"), "--private-key", "examples/keys/acme-release.key.pem", "--force"]
        case "impact":
            return ["impact", "--inventory", "examples/fleet", "--advisories", "examples/fleet/advisories"]
        case "graph": return ["graph", "--inventory", "examples/fleet"]
        case "bom": return ["bom", "--inventory", "examples/fleet"]
        case "scan": return ["scan", "examples/bundles/sentiment-ft"]
        case "verify-attestation":
            return ["verify-attestation", try envelope(), "--public-key", "trust-roots/demo/keys/acme-release.pub.pem"]
        case "posture":
            return ["posture", "--inventory", "examples/posture/fleet", "--policy", "examples/posture/policies"]
        case "verify-card":
            let card = folder.url("card.json")
            let signed = try run([
                "sign-card", "examples/posture/partner/agent-card.unsigned.json", "--private-key",
                "examples/posture/partner/keys/card.pem", "--kid", "billing-card-2026", "--output", card,
            ])
            #expect(signed.status == 0, "\(signed.standardError)")
            return ["verify-card", card, "--jwks", "examples/posture/partner/keys/billing.jwks.json"]
        default: throw TestSupportError("no working arguments for \(command)")
        }
    }

    /// The values `--help` lists for `--format`, read from the help text as a user sees it.
    private func listedFormats(_ command: String) throws -> [String] {
        let help = try run([command, "--help"])
        #expect(help.status == 0)
        let flat = help.standardOutput.split(whereSeparator: \.isNewline).map { $0.trimmingPrefix(" ") }.joined(
            separator: " ")
        guard let option = flat.range(of: "--format <format>", options: .backwards),
            case let rest = flat[option.upperBound...], let values = rest.range(of: "(values: ")
        else { return [] }
        let list = rest[values.upperBound...].prefix { $0 != ";" && $0 != ")" }
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test(arguments: [
        "verify", "sign", "impact", "graph", "bom", "scan", "verify-attestation", "posture", "verify-card",
    ])
    func everyFormatTheHelpListsIsAccepted(_ command: String) throws {
        let formats = try listedFormats(command)
        #expect(!formats.isEmpty, "\(command) --help lists no formats")
        for format in formats {
            let result = try run(try workingArguments(command) + ["--format", format])
            #expect([0, 1].contains(result.status), "\(command) --format \(format): \(result.standardError)")
            #expect(!result.standardOutput.isEmpty, "\(command) --format \(format) printed nothing")
            if ["json", "sarif", "cyclonedx", "spdx"].contains(format) {
                #expect(
                    (try? JSONParser.parse(Array(result.standardOutput.utf8), source: format)) != nil,
                    "\(command) --format \(format) is not JSON")
            }
        }
    }

    @Test func signAndVerifyAttestationDoNotListSARIF() throws {
        #expect(try listedFormats("sign") == ["text", "json"])
        #expect(try listedFormats("verify-attestation") == ["text", "json"])
        #expect(try listedFormats("impact").contains("sarif"))
        let rejected = try run(try workingArguments("sign") + ["--format", "sarif"])
        #expect(rejected.status == 2)
        #expect(rejected.standardError.contains("'text' and 'json'"), "\(rejected.standardError)")
    }

    @Test func impactSARIFHasOneResultPerAffectedAgent() throws {
        let json = try run(try workingArguments("impact") + ["--format", "json"])
        let report = try JSONParser.parse(Array(json.standardOutput.utf8), source: "impact")
        let agents = (report["affected"]?.arrayValue ?? []).filter { $0["kind"] == .string("agent") }
        #expect(!agents.isEmpty)
        let sarif = try run(try workingArguments("impact") + ["--format", "sarif", "--fail-on", "any"])
        #expect(sarif.status == 1)
        let log = try JSONParser.parse(Array(sarif.standardOutput.utf8), source: "sarif")
        let run = try #require(log["runs"]?.arrayValue?.first)
        let results = run["results"]?.arrayValue ?? []
        #expect(results.count == agents.count)
        #expect(
            Set(results.compactMap { $0["properties"]?["agent"]?.stringValue })
                == Set(agents.compactMap { $0["ref"]?.stringValue }))
        #expect(results.allSatisfy { $0["ruleId"] == .string("impact.affected-agent") })
        #expect(run["invocations"]?.arrayValue?.first?["exitCode"] == .integer(1))
    }

    @Test func specVersionRefusesWhatItDoesNotWrite() throws {
        let result = try run(["bom", "--inventory", "examples/fleet", "--spec-version", "1.5"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("'1.6' and '1.7'"), "\(result.standardError)")
        let written = try run(["bom", "--inventory", "examples/fleet", "--spec-version", "1.7"])
        let bom = try JSONParser.parse(Array(written.standardOutput.utf8), source: "bom")
        #expect(bom["specVersion"] == .string("1.7"))
    }

    @Test(arguments: ["verify", "impact", "graph", "bom", "scan", "verify-attestation", "posture"])
    func quietWritesNothingAndOutputWritesTheReport(_ command: String) throws {
        let arguments = try workingArguments(command) + (command == "bom" ? [] : ["--format", "json"])
        let plain = try run(arguments)
        let file = folder.url("\(command) report.json")
        let quiet = try run(arguments + ["-q", "-o", file])
        #expect(quiet.status == plain.status)
        #expect(quiet.standardOutput.isEmpty && quiet.standardError.isEmpty, "\(quiet.standardError)")
        let written = try JSONParser.parse(try folder.read("\(command) report.json"), source: file)
        let printed = try JSONParser.parse(Array(plain.standardOutput.utf8), source: "stdout")
        // Timings differ between runs; everything else is the same report.
        #expect(written["schemaVersion"] == printed["schemaVersion"])
        #expect(Set(written.objectValue?.map(\.0) ?? []) == Set(printed.objectValue?.map(\.0) ?? []))
        let silent = try run(arguments + ["--quiet"])
        #expect(silent.status == plain.status && silent.standardOutput.isEmpty && silent.standardError.isEmpty)
    }

    @Test func attestAndSignAreQuietToo() throws {
        let attest = try run([
            "attest", try folder.write("bom.json", "{}"), "--private-key", "examples/keys/acme-release.key.pem",
            "--predicate-type", "https://example.com/x", "--output", folder.url("bom.intoto.json"), "--quiet",
        ])
        #expect(attest.status == 0 && attest.standardOutput.isEmpty && attest.standardError.isEmpty)
        let sign = try run(try workingArguments("sign") + ["-q"])
        #expect(sign.status == 0 && sign.standardOutput.isEmpty && sign.standardError.isEmpty)
    }

    @Test func signRefusesToOverwriteASignatureUnlessForced() throws {
        try folder.write("m/weights.bin", [UInt8](repeating: 1, count: 100))
        let key = "examples/keys/acme-release.key.pem"
        #expect(try run(["sign", folder.url("m"), "--private-key", key]).status == 0)
        let first = try folder.read("m/model.sig")
        try folder.write("m/weights.bin", [UInt8](repeating: 2, count: 100))
        let again = try run(["sign", folder.url("m"), "--private-key", key])
        #expect(again.status == 2)
        #expect(again.standardError.contains("already exists") && again.standardError.contains("--force"))
        #expect(try folder.read("m/model.sig") == first)
        #expect(try run(["sign", folder.url("m"), "--private-key", key, "--force"]).status == 0)
        #expect(try folder.read("m/model.sig") != first)
    }

    @Test func aTypoIsNamedFirst() throws {
        let option = try run(["verify", "x", "--public-ky", "K"])
        #expect(option.status == 2)
        #expect(option.standardError.contains("unknown option '--public-ky'"), "\(option.standardError)")
        #expect(option.standardError.contains("'--public-key'"))
        #expect(!option.standardError.contains("exactly one of"))
        let short = try run(["verify", "x", "-Q"])
        #expect(short.status == 2)
        #expect(short.standardError.contains("unknown option '-Q'. Did you mean '-q'?"), "\(short.standardError)")
        let command = try run(["verfy", "x"])
        #expect(command.status == 2)
        #expect(command.standardError.contains("Did you mean 'verify'?"), "\(command.standardError)")
        let hidden = try run(["impact", "pkg:pypi/x", "--inventory", "examples/fleet", "--severity", "high"])
        #expect(hidden.status == 0, "a hidden option is not unknown: \(hidden.standardError)")
    }

    @Test func errorsSayWhatToDo() throws {
        let model = "examples/bundles/sentiment-ft"
        let privateKey = try run(["verify", model, "--public-key", "examples/keys/acme-release.key.pem"])
        #expect(privateKey.status == 2)
        #expect(privateKey.standardError.contains("openssl pkey -in"), "\(privateKey.standardError)")
        #expect(privateKey.standardError.contains("-pubout"))
        let certificate = try run(["verify", model, "--public-key", "trust-roots/demo/certs/acme-root-ca.pem"])
        #expect(certificate.status == 2)
        #expect(certificate.standardError.contains("--certificate-chain"), "\(certificate.standardError)")
        let signersFile = try run(["verify", model, "--trust-roots", "trust-roots/demo/signers.json"])
        #expect(signersFile.status == 2)
        #expect(signersFile.standardError.contains("give the folder ('trust-roots/demo')"))
        let keys = try TestKeys.generate("RSA", named: "rsa", in: folder)
        let rsa = try run(["verify", model, "--public-key", keys.public, "--format", "json"])
        #expect(rsa.status == 1)
        let report = try JSONParser.parse(Array(rsa.standardOutput.utf8), source: "verify")
        let finding = try #require(report["findings"]?.arrayValue?.first)
        #expect(finding["code"] == .string("signature.unsupported-key"))
        #expect(finding["message"]?.stringValue?.contains("OMS signatures need ECDSA P-256, P-384 or P-521") == true)
        let notEnvelope = try folder.write("config.json", #"{"architectures": ["Bert"]}"#)
        let attestation = try run([
            "verify-attestation", notEnvelope, "--public-key", "trust-roots/demo/keys/acme-release.pub.pem",
        ])
        #expect(attestation.status == 2, "\(attestation.standardOutput)")
        #expect(attestation.standardError.contains("not a DSSE envelope"))
        try Command.succeed("mkdir", ["-p", folder.url("empty/sub")])
        let empty = try run(["scan", folder.url("empty")])
        #expect(empty.status == 2)
        #expect(empty.standardError.contains("no files to scan"))
    }

    @Test func completionCompletesPathsAndEnumValues() throws {
        for shell in ["bash", "zsh", "fish"] {
            #expect(try run(["--generate-completion-script", shell]).status == 0)
        }
        let bash = try run(["--generate-completion-script", "bash"]).standardOutput
        /// What the bash script offers after `option` in `command`'s function.
        func offered(_ command: String, _ option: String) -> String? {
            guard let start = bash.range(of: "\n_stemma_\(command)() {") else { return nil }
            let rest = bash[start.upperBound...]
            let body = rest[..<(rest.range(of: "\n}\n")?.lowerBound ?? rest.endIndex)]
            guard let entry = body.range(of: "    '\(option)')") ?? body.range(of: "    '\(option)'|") else {
                return nil
            }
            return String(body[entry.upperBound...].prefix { $0 != ";" })
        }
        let paths = [
            ("verify", "--public-key"), ("verify", "--signature"), ("verify", "--certificate-chain"),
            ("verify", "--output"), ("sign", "--private-key"), ("scan", "--output"), ("impact", "--inventory"),
            ("bom", "--advisories"), ("attest", "--private-key"), ("verify-attestation", "--subject"),
            ("posture", "--policy"),
        ]
        for (command, option) in paths {
            #expect(offered(command, option)?.contains("__stemma_add_completions -f") == true, "\(command) \(option)")
        }
        #expect(offered("verify", "--trust-roots")?.contains("__stemma_add_completions -d") == true)
        #expect(offered("verify", "--format")?.contains("'text'$'\\n''json'$'\\n''sarif'") == true)
        #expect(offered("sign", "--format")?.contains("'text'$'\\n''json'") == true)
        #expect(offered("sign", "--format")?.contains("sarif") == false)
        #expect(offered("bom", "--spec-version")?.contains("'1.6'$'\\n''1.7'") == true)
        #expect(offered("impact", "--fail-on")?.contains("'any'") == true)
    }

    @Test func dumbTerminalsGetNoEscapeCodes() throws {
        let tampered = try TemporaryFolder()
        try Command.succeed("cp", ["-r", repository + "/examples/bundles/sentiment-ft", tampered.url("m")])
        try tampered.write("m/config.json", "{}")
        // `script` gives the command a terminal, where colour is on unless TERM=dumb or NO_COLOR.
        func onTerminal(_ term: String) throws -> String {
            try Command.run(
                "env",
                [
                    "-u", "NO_COLOR", "TERM=\(term)", "script", "-qec",
                    "\(stemma) verify \(tampered.url("m")) --trust-roots trust-roots/demo", "/dev/null",
                ], in: repository
            ).standardOutput
        }
        let colored = try onTerminal("xterm")
        #expect(colored.contains("\u{1B}["), "\(colored)")
        #expect(!(try onTerminal("dumb").contains("\u{1B}[")))
    }
}
