extension FleetReport {
    /// Each verified bundle's verdict, signer and findings, from the verify reports given; a note when none was.
    func verificationSection() -> [String] {
        var lines = ["<section id=\"verification\"><h2>Verification</h2>"]
        guard !bundles.isEmpty else {
            lines.append(
                "<p class=\"note\">No bundle verdict on this page: give <code>--verify-report FILE</code> (a "
                    + "<code>stemma verify --format json</code> report) to show one.</p></section>")
            return lines
        }
        lines.append("<table><thead><tr><th>bundle</th><th>verdict</th><th>signer</th><th>findings</th></tr></thead>")
        lines.append("<tbody>")
        for bundle in bundles {
            let tone = bundle.verdict == "verified" ? "good" : "bad"
            let findings =
                bundle.findings.isEmpty
                ? "none"
                : "<ul>"
                    + bundle.findings.map {
                        "<li><code>\(HTML.text($0.code))</code> (\(HTML.text($0.severity))): \(HTML.text($0.message))</li>"
                    }.joined() + "</ul>"
            lines.append(
                "<tr><td><code>\(HTML.text(bundle.model))</code><br><span class=\"meta\">from "
                    + "<code>\(HTML.text(bundle.source))</code></span></td>"
                    + "<td class=\"\(tone)\"><strong>\(HTML.text(bundle.verdict.uppercased()))</strong></td>"
                    + "<td>\(bundle.signer.map(HTML.text) ?? "none verified")</td><td>\(findings)</td></tr>")
        }
        lines.append("</tbody></table></section>")
        return lines
    }
}
