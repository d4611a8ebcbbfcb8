import Foundation
import StemmaGraph
import StemmaInventory
import Testing

/// The lockfile samples under `Fixtures/lockfiles/` (copied from the reference examples; real PyPI digests).
enum LockfileFixture {
    /// The folder holding the samples: the folder whose agent each lockfile is attached to.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lockfiles").path

    /// The path of one sample.
    static func path(_ name: String) -> String { folder + "/" + name }

    /// The bytes of one sample.
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try #require(FileManager.default.contents(atPath: path(name))))
    }

    /// The four lockfile readers.
    static let readers: [any InventoryReader.Type] = [
        RequirementsReader.self, PyLockReader.self, UVLockReader.self, PoetryLockReader.self,
    ]

    /// An edge as one line of text, so whole edge lists compare at once.
    static func text(_ edge: EdgeRecord) -> String {
        let from: String
        switch edge.from {
        case .agentOfFolder(let folder): from = "agent(\(folder == LockfileFixture.folder ? "FIXTURES" : folder))"
        case .component(let ref): from = ref.description
        }
        return "\(from) -\(edge.relation.rawValue)-> \(edge.to) [\(edge.evidence.status)]"
    }

    /// A component as `purl sha256,sha256`.
    static func text(_ component: ComponentRecord) -> String {
        "\(component.ref) \(component.artifacts.joined(separator: ","))"
    }
}

/// Each lockfile format read from a real-shaped sample: exact packages, versions, digests and edges.
@Suite struct LockfileReaderTests {
    static let requestsWheel = "70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"
    static let requestsSdist = "55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760"
    static let coloramaWheel = "4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6"
    static let coloramaSdist = "08695f5cb7ed6e0531a20572697297273c47b8cae5a63ffc6d6ed5c201be6e44"

    @Test(arguments: [
        ("lock.requirements.hashes.txt", "requirements-hashes"), ("lock.pylock.toml", "pylock"),
        ("lock.uv.lock", "uv-lock"), ("lock.poetry.lock", "poetry-lock"),
    ])
    func eachSampleIsRecognisedByExactlyItsReader(file: String, format: String) throws {
        let head = Array(try LockfileFixture.bytes(file).prefix(64 << 10))
        let recognising = LockfileFixture.readers.filter { $0.recognizes(path: "renamed", head: head) }
        #expect(recognising.map { $0.formatName } == [format])
    }

    @Test func readsRequirementsWithHashes() throws {
        let path = LockfileFixture.path("lock.requirements.hashes.txt")
        let fragment = RequirementsReader.read(
            path: path, bytes: try LockfileFixture.bytes("lock.requirements.hashes.txt"))
        #expect(fragment.warnings.isEmpty)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/requests@2.32.3 \(Self.requestsWheel),\(Self.requestsSdist)",
                "pkg:pypi/colorama@0.4.6 \(Self.coloramaWheel),\(Self.coloramaSdist)",
            ])
        #expect(fragment.components.allSatisfy { $0.source == path && $0.properties.isEmpty })
        #expect(
            fragment.edges.map(LockfileFixture.text) == [
                "agent(FIXTURES) -requires-package-> pkg:pypi/requests@2.32.3 [declared]",
                "agent(FIXTURES) -requires-package-> pkg:pypi/colorama@0.4.6 [declared]",
            ])
        #expect(fragment.edges.allSatisfy { $0.evidence.source == path })
    }

    @Test func readsPyLock() throws {
        let path = LockfileFixture.path("lock.pylock.toml")
        let fragment = PyLockReader.read(path: path, bytes: try LockfileFixture.bytes("lock.pylock.toml"))
        #expect(fragment.warnings.isEmpty)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/attrs@25.1.0 c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a",
                "pkg:pypi/cattrs@24.1.2 67c7495b760168d931a10233f979b28dc04daf853b30752246f4f8471c6d68d0",
            ])
        #expect(
            fragment.components.first?.properties == [
                "attestation-identities": "GitHub python-attrs/attrs (pypi-package.yml)"
            ])
        #expect(
            fragment.edges.map(LockfileFixture.text) == [
                "agent(FIXTURES) -requires-package-> pkg:pypi/attrs@25.1.0 [declared]",
                "agent(FIXTURES) -requires-package-> pkg:pypi/cattrs@24.1.2 [declared]",
                "pkg:pypi/cattrs@24.1.2 -requires-package-> pkg:pypi/attrs@25.1.0 [declared]",
            ])
    }

    @Test func readsUVLockLeavingOutTheEditableProject() throws {
        let path = LockfileFixture.path("lock.uv.lock")
        let fragment = UVLockReader.read(path: path, bytes: try LockfileFixture.bytes("lock.uv.lock"))
        #expect(fragment.warnings.isEmpty)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/colorama@0.4.6 \(Self.coloramaWheel),\(Self.coloramaSdist)"
            ])
        #expect(fragment.components.first?.properties == ["source": "https://pypi.org/simple"])
        #expect(
            fragment.edges.map(LockfileFixture.text) == [
                "agent(FIXTURES) -requires-package-> pkg:pypi/colorama@0.4.6 [declared]"
            ])
    }

    @Test func readsPoetryLockWithConstraintsAsNameLevelEdgesWhenNotLocked() throws {
        let path = LockfileFixture.path("lock.poetry.lock")
        let fragment = PoetryLockReader.read(path: path, bytes: try LockfileFixture.bytes("lock.poetry.lock"))
        #expect(fragment.warnings.isEmpty)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/requests@2.32.3 \(Self.requestsWheel),\(Self.requestsSdist)"
            ])
        #expect(
            fragment.edges.map(LockfileFixture.text) == [
                "agent(FIXTURES) -requires-package-> pkg:pypi/requests@2.32.3 [declared]",
                "pkg:pypi/requests@2.32.3 -requires-package-> pkg:pypi/certifi [declared]",
                "pkg:pypi/requests@2.32.3 -requires-package-> pkg:pypi/charset-normalizer [declared]",
                "pkg:pypi/requests@2.32.3 -requires-package-> pkg:pypi/idna [declared]",
                "pkg:pypi/requests@2.32.3 -requires-package-> pkg:pypi/urllib3 [declared]",
            ])
    }

    @Test func aBareFileNameBelongsToTheCurrentFolder() throws {
        let fragment = UVLockReader.read(path: "uv.lock", bytes: try LockfileFixture.bytes("lock.uv.lock"))
        #expect(fragment.edges.map(LockfileFixture.text).first?.hasPrefix("agent(.)") == true)
    }
}

/// `pip freeze` output: no hashes, read by name and content.
@Suite struct PipFreezeRequirementsTests {
    static let freeze = """
        # pip freeze > requirements.txt
        certifi==2024.8.30
        LangChain==0.0.130 ; python_version >= "3.8"
        -e git+https://github.com/acme/tool.git@0123abcd#egg=acme_tool
        -e /home/me/scratch
        torch @ file:///wheels/torch-2.5.1-cp312-none-linux_x86_64.whl
        requests>=2

        """

    @Test func aFreezeFileIsRecognisedByItsNameAndContent() {
        let head = Array(Self.freeze.utf8)
        for name in ["requirements.txt", "app/requirements-dev.txt", "requirements_prod.txt", "REQUIREMENTS.TXT"] {
            #expect(RequirementsReader.recognizes(path: name, head: head), "\(name)")
        }
        // Another name, or prose in a requirements file, is not claimed.
        #expect(!RequirementsReader.recognizes(path: "notes.txt", head: head))
        #expect(!RequirementsReader.recognizes(path: "deps/freeze.txt", head: head))
        let prose = Array("Install with: pip install -r requirements.txt\nThen run it.\n".utf8)
        #expect(!RequirementsReader.recognizes(path: "requirements.txt", head: prose))
        #expect(!RequirementsReader.recognizes(path: "requirements.txt", head: Array("# only comments\n".utf8)))
    }

    @Test func aFreezeFileGivesPinnedPackagesWithoutHashWarnings() {
        let fragment = RequirementsReader.read(path: "bot/requirements.txt", bytes: Array(Self.freeze.utf8))
        #expect(
            fragment.components.map(\.ref.description) == [
                "pkg:pypi/certifi@2024.8.30", "pkg:pypi/langchain@0.0.130", "pkg:pypi/acme-tool", "pkg:pypi/torch",
                "pkg:pypi/requests",
            ])
        #expect(fragment.components[1].properties["marker"] == #"python_version >= "3.8""#)
        #expect(fragment.components[2].properties["source"] == "git+https://github.com/acme/tool.git@0123abcd")
        #expect(
            fragment.warnings.map(\.message) == [
                "line 5: editable requirement '/home/me/scratch' names no package (#egg=); skipped",
                "line 7: 'requests' is not pinned with == (>=2); recorded by name only",
            ])
    }
}
