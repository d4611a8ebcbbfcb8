import Foundation
import StemmaGraph
import StemmaInventory
import Testing

/// Shapes the samples do not show (forks, VCS and local sources, old Poetry, pip options), look-alike files that
/// must not be recognised, and hostile input that must give warnings rather than traps.
@Suite struct LockfileVariantTests {
    static let digestA = String(repeating: "a", count: 64)
    static let digestB = String(repeating: "b", count: 64)
    static let digestC = String(repeating: "C", count: 64)

    static func read(_ reader: any InventoryReader.Type, _ text: String) -> InventoryFragment {
        reader.read(path: "/agents/cx/lock", bytes: Array(text.utf8))
    }

    static func edges(_ fragment: InventoryFragment) -> [String] {
        fragment.edges.map(LockfileFixture.text)
    }

    @Test func uvLockForksSourcesExtrasAndBadEntries() {
        let fragment = Self.read(
            UVLockReader.self,
            """
            version = 2
            revision = 3

            [[package]]
            name = "numpy"
            version = "1.26.4"
            source = { registry = "https://pypi.org/simple" }
            wheels = [{ url = "https://x/numpy.whl", hash = "sha256:\(Self.digestA)", size = 1 }]

            [[package]]
            name = "numpy"
            version = "2.1.0"
            source = { registry = "https://pypi.org/simple" }
            sdist = { url = "https://x/numpy.tar.gz", hash = "sha256:\(Self.digestC)" }

            [[package]]
            name = "Torch_Extras"
            version = "0.3"
            source = { git = "https://github.com/acme/torch-extras?rev=main#0123abc" }
            dependencies = [
                { name = "numpy", version = "2.1.0", marker = "python_version >= '3.10'" },
                { name = "helper" },
            ]

            [package.optional-dependencies]
            fast = [{ name = "orjson" }]

            [[package]]
            name = "orjson"
            version = "3.10.0"
            source = { url = "https://example.com/orjson-3.10.0.tar.gz" }
            sdist = { hash = "sha256:nothex" }
            wheels = [{ url = "https://x/orjson.whl", hash = "md5:0123" }]

            [[package]]
            name = "helper"
            version = "0.1.0"
            source = { directory = "libs/helper" }

            [[package]]
            version = "9"
            source = { registry = "https://pypi.org/simple" }
            """)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/numpy@1.26.4 \(Self.digestA)",
                "pkg:pypi/numpy@2.1.0 \(Self.digestC.lowercased())",
                "pkg:pypi/torch-extras@0.3 ",
                "pkg:pypi/orjson@3.10.0 ",
            ])
        #expect(
            fragment.components[2].properties["source"] == "git+https://github.com/acme/torch-extras?rev=main#0123abc")
        #expect(fragment.components[3].properties["source"] == "https://example.com/orjson-3.10.0.tar.gz")
        #expect(
            Self.edges(fragment) == [
                "agent(/agents/cx) -requires-package-> pkg:pypi/numpy@1.26.4 [declared]",
                "agent(/agents/cx) -requires-package-> pkg:pypi/numpy@2.1.0 [declared]",
                "agent(/agents/cx) -requires-package-> pkg:pypi/torch-extras@0.3 [declared]",
                "agent(/agents/cx) -requires-package-> pkg:pypi/orjson@3.10.0 [declared]",
                "pkg:pypi/torch-extras@0.3 -requires-package-> pkg:pypi/numpy@2.1.0 [declared]",
                "pkg:pypi/torch-extras@0.3 -requires-package-> pkg:pypi/orjson@3.10.0 [declared]",
            ])
        #expect(
            fragment.warnings.map(\.message) == [
                "has lock version 2; read as version 1",
                "package 'orjson': 'nothex' is not a SHA-256 digest",
                "package 'orjson' has files but no SHA-256 digest",
                "package 6 has no name; skipped",
            ])
        #expect(fragment.warnings.allSatisfy { $0.source == "/agents/cx/lock" })
    }

    @Test func uvDependencyWithoutVersionOnAForkedNameReachesEveryLockedVersion() {
        let fragment = Self.read(
            UVLockReader.self,
            """
            version = 1
            [[package]]
            name = "a"
            version = "1"
            source = { registry = "https://pypi.org/simple" }
            dependencies = [{ name = "b" }, { name = "a" }]
            [[package]]
            name = "b"
            version = "1"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "b"
            version = "2"
            source = { registry = "https://pypi.org/simple" }
            """)
        #expect(
            Self.edges(fragment).filter { !$0.hasPrefix("agent") } == [
                "pkg:pypi/a@1 -requires-package-> pkg:pypi/b@1 [declared]",
                "pkg:pypi/a@1 -requires-package-> pkg:pypi/b@2 [declared]",
            ])
    }

    @Test func pyLockVCSDirectoryAndMissingVersions() {
        let fragment = Self.read(
            PyLockReader.self,
            """
            lock-version = '1.0'
            created-by = 'test'
            [[packages]]
            name = 'tool'
            index = 'https://pypi.example/simple'
            dependencies = [{name = 'project'}, {name = 'lib', version = '2.0'}]
            sdist = {name = 'tool.tar.gz', hashes = {sha256 = '\(Self.digestB)', sha512 = 'ff'}}
            [[packages]]
            name = 'lib'
            version = '2.0'
            marker = "python_version >= '3.9'"
            vcs = {type = 'git', url = 'https://github.com/acme/lib', commit-id = 'abc123'}
            [[packages]]
            name = 'project'
            directory = {path = '.', editable = true}
            [[packages]]
            name = 'bad'
            version = '1'
            wheels = [{name = 'bad.whl', hashes = {sha256 = 'xyz'}}]
            """)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/tool \(Self.digestB)", "pkg:pypi/lib@2.0 ", "pkg:pypi/bad@1 ",
            ])
        #expect(fragment.components[0].properties == ["source": "https://pypi.example/simple"])
        #expect(
            fragment.components[1].properties == [
                "source": "git+https://github.com/acme/lib@abc123", "marker": "python_version >= '3.9'",
            ])
        #expect(
            Self.edges(fragment).filter { !$0.hasPrefix("agent") } == [
                "pkg:pypi/tool -requires-package-> pkg:pypi/lib@2.0 [declared]"
            ])
        #expect(
            fragment.warnings.map(\.message) == [
                "package 'tool' has no version; recorded by name only",
                "package 'bad': 'xyz' is not a SHA-256 digest",
                "package 'bad' has files but no SHA-256 digest",
            ])
    }

    @Test func pyLockOfAnotherMajorVersionIsRefused() {
        let fragment = Self.read(PyLockReader.self, "lock-version = '2.0'\n[[packages]]\nname = 'a'\nversion = '1'\n")
        #expect(fragment.components.isEmpty && fragment.edges.isEmpty)
        #expect(fragment.warnings.map(\.message) == ["has lock-version 2.0; only 1.x is understood, so it is not read"])
    }

    @Test func poetryLegacyFilesOptionalDependenciesAndSources() {
        let fragment = Self.read(
            PoetryLockReader.self,
            """
            [[package]]
            name = "Flask"
            version = "3.0.0"
            description = ""
            category = "main"
            optional = false
            python-versions = ">=3.8"

            [package.dependencies]
            Werkzeug = ">=3.0.0"
            asgiref = {version = ">=3.2", optional = true}
            python-dotenv = [{version = ">=1", markers = "python_version >= '3.8'"}]
            local-lib = {path = "../local-lib", develop = true}

            [package.extras]
            async = ["asgiref (>=3.2)"]

            [[package]]
            name = "werkzeug"
            version = "3.0.1"
            optional = false
            python-versions = ">=3.8"

            [package.source]
            type = "legacy"
            url = "https://mirror.example/simple"
            reference = "mirror"

            [[package]]
            name = "local-lib"
            version = "0.1.0"
            python-versions = "*"

            [package.source]
            type = "directory"
            url = "../local-lib"

            [[package]]
            name = "gitdep"
            version = "1.0"
            python-versions = "*"
            files = []

            [package.source]
            type = "git"
            url = "https://github.com/acme/gitdep.git"
            reference = "main"
            resolved_reference = "abcdef0"

            [metadata]
            lock-version = "1.1"
            python-versions = "^3.11"
            content-hash = "0000"

            [metadata.files]
            flask = [
                {file = "flask-3.0.0-py3-none-any.whl", hash = "sha256:\(Self.digestA)"},
            ]
            Werkzeug = [
                {file = "werkzeug-3.0.1.tar.gz", hash = "sha256:\(Self.digestB)"},
                {file = "werkzeug-3.0.1.tar.gz", hash = "sha256:\(Self.digestB)"},
            ]
            """)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/flask@3.0.0 \(Self.digestA)",
                "pkg:pypi/werkzeug@3.0.1 \(Self.digestB)",
                "pkg:pypi/gitdep@1.0 ",
            ])
        #expect(fragment.components[1].properties == ["source": "https://mirror.example/simple"])
        #expect(fragment.components[2].properties == ["source": "git+https://github.com/acme/gitdep.git@abcdef0"])
        #expect(
            Self.edges(fragment).filter { !$0.hasPrefix("agent") } == [
                "pkg:pypi/flask@3.0.0 -requires-package-> pkg:pypi/werkzeug@3.0.1 [declared]",
                "pkg:pypi/flask@3.0.0 -requires-package-> pkg:pypi/python-dotenv [declared]",
            ])
        #expect(fragment.warnings.isEmpty)
    }

    @Test func requirementsOptionsPinsAndProblems() {
        let fragment = Self.read(
            RequirementsReader.self,
            """
            # generated
            --index-url https://mirror.example/simple
            --extra-index-url=https://extra.example/simple
            -r base.txt
            -e ./local
            Requests[socks, security] == 2.32.3 ; python_version >= "3.8" \\
                --hash=sha256:\(Self.digestC) \\
                --hash sha512:00 \\
                # a comment ends the continuation
            flask>=3 --hash=sha256:\(Self.digestA)  # not pinned
            numpy===1.26.4
            torch==2.*  --hash=sha256:\(Self.digestB)
            pkg @ https://example.com/pkg-1.0.tar.gz --hash=sha256:\(Self.digestB)
            ./wheels/local-1.0-py3-none-any.whl --hash=sha256:\(Self.digestA)
            broken==1.0 --hash=sha256:tooshort
            """)
        #expect(
            fragment.components.map(LockfileFixture.text) == [
                "pkg:pypi/requests@2.32.3 \(Self.digestC.lowercased())",
                "pkg:pypi/flask \(Self.digestA)",
                "pkg:pypi/numpy@1.26.4 ",
                "pkg:pypi/torch \(Self.digestB)",
                "pkg:pypi/pkg \(Self.digestB)",
                "pkg:pypi/broken@1.0 ",
            ])
        #expect(
            fragment.components[0].properties == [
                "source": "https://mirror.example/simple", "extra-index-urls": "https://extra.example/simple",
                "extras": "socks,security", "marker": #"python_version >= "3.8""#,
            ])
        #expect(fragment.components[4].properties["source"] == "https://example.com/pkg-1.0.tar.gz")
        #expect(
            fragment.warnings.map(\.message) == [
                "line 4: includes 'base.txt', which is not followed from here",
                "line 5: editable requirement './local' has no hash; skipped",
                "line 10: 'flask' is not pinned with == (>=3); recorded by name only",
                "line 11: 'numpy' has no --hash; pip's hash-checking mode would refuse it",
                "line 12: 'torch' is not pinned with == (==2.*); recorded by name only",
                "line 14: './wheels/local-1.0-py3-none-any.whl --hash=sha256:\(Self.digestA)' is not a named "
                    + "requirement; skipped",
                "line 15: 'broken': 'tooshort' is not a SHA-256 digest",
            ])
        #expect(Self.edges(fragment).count == 6)
    }

    /// A lockfile the size of a large agent's closure, and one package with a hostile number of files and
    /// dependencies: both read in linear time.
    @Test func largeLockfilesReadInLinearTime() {
        var text = "version = 1\nrevision = 3\n"
        for index in 0..<5000 {
            let digest = String(String(index, radix: 16).reversed()).padding(toLength: 64, withPad: "0", startingAt: 0)
            text += """

                [[package]]
                name = "pkg-\(index)"
                version = "1.\(index)"
                source = { registry = "https://pypi.org/simple" }
                sdist = { url = "https://x/pkg-\(index).tar.gz", hash = "sha256:\(digest)", size = 1 }
                dependencies = [{ name = "pkg-\(max(index - 1, 0))" }, { name = "pkg-\(index / 2)" }]

                """
        }
        let chain = Self.read(UVLockReader.self, text)
        #expect(chain.components.count == 5000)
        #expect(chain.components.allSatisfy { $0.artifacts.count == 1 })
        #expect(chain.edges.count == 5000 + 1 + 1 + 2 * 4997)  // 1 and 2 depend on the same package twice
        #expect(chain.warnings.isEmpty)

        let wheels = (0..<50_000).map { "{ url = \"w\", hash = \"sha256:\(String(format: "%064x", $0))\" }" }
        let dependencies = Array(repeating: "{ name = \"dep\" }", count: 50_000)
        let hostile = Self.read(
            UVLockReader.self,
            "version = 1\n[[package]]\nname = \"big\"\nversion = \"1\"\nsource = { registry = \"r\" }\n"
                + "wheels = [\(wheels.joined(separator: ","))]\ndependencies = [\(dependencies.joined(separator: ","))]\n"
        )
        #expect(hostile.components.first?.artifacts.count == 50_000)
        #expect(hostile.edges.count == 2)
    }

    static let lookAlikes: [(String, String)] = [
        (
            "Cargo.lock",
            "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n"
                + "source = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"00\"\n"
        ),
        (
            "Cargo.lock v1",
            "[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n[metadata]\n\"checksum serde\" = \"00\"\n"
        ),
        ("pyproject.toml", "[project]\nname = \"agent\"\nversion = \"0.1\"\ndependencies = [\"requests\"]\n"),
        ("requirements without hashes", "requests==2.32.3\nflask>=3\n"),
        ("shell script", "#!/bin/sh\npip install requests==2.32.3 --hash=sha256:\(digestA)\n"),
        ("prose", "Use pip with --hash=sha256:… to pin\nrequests==2.32.3 --hash=sha256:\(digestA)\n"),
        ("binary", "requests==1 --hash=sha256:\(digestA)\n\u{0}\u{1}"),
        ("uv.lock without packages", "version = 1\nrequires-python = \">=3.12\"\n"),
    ]

    @Test(arguments: lookAlikes) func lookAlikesAreNotRecognised(name: String, text: String) {
        let head = Array(text.utf8)
        #expect(LockfileFixture.readers.filter { $0.recognizes(path: name, head: head) }.isEmpty)
    }

    @Test func malformedTOMLGivesOneWarningNamingTheFile() {
        for reader in [PyLockReader.self, UVLockReader.self, PoetryLockReader.self] as [any InventoryReader.Type] {
            let fragment = reader.read(
                path: "x/uv.lock", bytes: Array("version = 1\n[[package]]\nname = \"a\"\nname = \"b\"\n".utf8))
            #expect(fragment.components.isEmpty)
            #expect(
                fragment.warnings.map(\.description) == [
                    "x/uv.lock: 'x/uv.lock' is not valid TOML: key 'name' is defined twice (line 4)"
                ])
        }
        let binary = RequirementsReader.read(path: "r.txt", bytes: [0x72, 0x00, 0xFF])
        #expect(binary.warnings.map(\.message) == ["is not UTF-8 text, so it is not read as a requirements file"])
    }

    /// Every truncation and random corruption of each sample is read without a trap; a reader either reads it
    /// or says why not.
    @Test(arguments: [
        ("lock.requirements.hashes.txt", 0), ("lock.pylock.toml", 1), ("lock.uv.lock", 2), ("lock.poetry.lock", 3),
    ])
    func hostileVariantsOfEachSampleNeverTrap(file: String, readerIndex: Int) throws {
        let reader = LockfileFixture.readers[readerIndex]
        let bytes = try LockfileFixture.bytes(file)
        for end in stride(from: 0, through: bytes.count, by: 3) {
            let cut = Array(bytes[..<end])
            _ = reader.recognizes(path: file, head: cut)
            let fragment = reader.read(path: file, bytes: cut)
            #expect(fragment.edges.count >= fragment.components.count)
        }
        var generator = SplitMix64(seed: UInt64(readerIndex + 1))
        for _ in 0..<300 {
            var corrupt = bytes
            for _ in 0..<4 {
                corrupt[Int(generator.next() % UInt64(corrupt.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = reader.recognizes(path: file, head: corrupt)
            _ = reader.read(path: file, bytes: corrupt)
        }
    }
}
