import Foundation
import StemmaCore

/// Runs Graphviz `dot -Tsvg` as a subprocess, with a timeout and a bound on its output, and returns an `<svg>`
/// element fit to inline in the report. Nothing about it is trusted: an SVG that could load or run anything is
/// refused (the report then uses the built-in layout).
enum GraphvizRunner {
    /// How long `dot` may run.
    static let timeoutSeconds = 20.0
    /// The largest SVG accepted.
    static let maxSVGBytes = 8 << 20

    /// The `dot` executable on PATH, if any.
    static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where folder.hasPrefix("/") {
            let candidate = String(folder) + "/dot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The SVG of `dot`, or nil when Graphviz is missing, fails, times out, or writes something unsafe.
    static func svg(fromDOT dot: String) -> String? {
        guard let executable = executable() else { return nil }
        // Files, not pipes: no pipe to fill and block on, and the only thing to wait for is the process.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stemma-report-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch { return nil }
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("answer.dot")
        let output = folder.appendingPathComponent("answer.svg")
        guard (try? Data(dot.utf8).write(to: input)) != nil else { return nil }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-Tsvg", "-o", output.path, input.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch { return nil }
        if finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 2)
            return nil
        }
        guard process.terminationStatus == 0,
            let bytes = try? BoundedFile.read(output.path, maxBytes: maxSVGBytes)
        else { return nil }
        return inlineable(String(decoding: bytes, as: UTF8.self))
    }

    /// The `<svg>` element of a Graphviz SVG document (its XML declaration and DOCTYPE dropped), or nil when it
    /// holds anything that could load or run something (scripts, links, images, foreign objects, event handlers).
    static func inlineable(_ document: String) -> String? {
        guard let start = document.range(of: "<svg"), let end = document.range(of: "</svg>", options: .backwards)
        else { return nil }
        let svg = String(document[start.lowerBound..<end.upperBound])
        let lowered = svg.lowercased()
        // Graphviz writes none of these for the DOT of an ImpactSubgraph; if they appear, something is wrong.
        for forbidden in ["<script", "href", "<image", "<foreignobject", "javascript:", "<style", "url(", "<use"]
        where lowered.contains(forbidden) {
            return nil
        }
        if lowered.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) != nil { return nil }
        // Graphviz sizes in points; the same numbers as CSS pixels draw it at three quarters of that, about the size
        // of the built-in layout's text.
        let sized = svg.replacingOccurrences(
            of: #"(width|height)="([0-9.]+)pt""#, with: "$1=\"$2\"", options: .regularExpression)
        return sized.replacingOccurrences(of: "<svg", with: "<svg class=\"answer graphviz\"", options: .anchored)
    }
}
