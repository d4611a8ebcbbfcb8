import StemmaCore

/// Whether pull requests into the default branch need an independent review, from repository settings exported as
/// JSON (they are settings, not files): a repository ruleset as the REST API returns it and the ruleset export
/// writes it (`target`, `enforcement`, `conditions.ref_name.include`, `rules[{type: "pull_request", parameters:
/// {required_approving_review_count}}]`), or a branch protection (`required_pull_request_reviews`). GitHub never
/// counts the approval of the person who asked Copilot for the PR, so one required approval is independent.
struct ReviewGate: Sendable, Equatable {
    /// True when the export requires at least one approving review on the default branch.
    var requiresReview: Bool
    var detail: String
    var location: SourceLocation

    /// The gate a JSON value describes, or nil when it is neither a ruleset nor a branch protection.
    static func read(_ value: JSONValue, text: LineIndex, path: String) -> ReviewGate? {
        if let rules = value["rules"]?.arrayValue, let enforcement = value["enforcement"]?.stringValue {
            guard (value["target"]?.stringValue ?? "branch") == "branch" else { return nil }
            let name = value["name"]?.stringValue ?? "ruleset"
            let include = value["conditions"]?["ref_name"]?["include"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let exclude = value["conditions"]?["ref_name"]?["exclude"]?.arrayValue?.compactMap(\.stringValue) ?? []
            // The default branch's name is not in the export; ~DEFAULT_BRANCH and ~ALL name it, main/master are taken
            // as it.
            let defaults = ["~DEFAULT_BRANCH", "~ALL", "refs/heads/main", "refs/heads/master"]
            let covers = include.contains(where: defaults.contains) && !exclude.contains(where: defaults.contains)
            let required = rules.compactMap { rule -> Int? in
                guard rule["type"]?.stringValue == "pull_request" else { return nil }
                return reviewCount(rule["parameters"]?["required_approving_review_count"])
            }.max()
            let location = SourceLocation(
                path: path, line: text.line(of: "\"required_approving_review_count\"") ?? text.line(of: "\"rules\""))
            guard enforcement == "active" else {
                return ReviewGate(
                    requiresReview: false, detail: "ruleset '\(name)' is not enforced (enforcement \(enforcement))",
                    location: SourceLocation(path: path, line: text.line(of: "\"enforcement\"")))
            }
            guard covers else {
                return ReviewGate(
                    requiresReview: false, detail: "ruleset '\(name)' does not target the default branch",
                    location: SourceLocation(path: path, line: text.line(of: "\"conditions\"")))
            }
            guard let count = required, count >= 1 else {
                let why = required.map { "\($0) approvals required" } ?? "no pull_request rule"
                return ReviewGate(
                    requiresReview: false, detail: "ruleset '\(name)' requires no approving review (\(why))",
                    location: location)
            }
            return ReviewGate(
                requiresReview: true, detail: "ruleset '\(name)' requires \(count) approving review(s)",
                location: location)
        }
        if let reviews = value["required_pull_request_reviews"] {
            let count = reviewCount(reviews["required_approving_review_count"])
            return ReviewGate(
                requiresReview: count >= 1,
                detail: "branch protection requires \(count) approving review(s)",
                location: SourceLocation(path: path, line: text.line(of: "\"required_pull_request_reviews\"")))
        }
        if value["enforce_admins"] != nil, value["url"]?.stringValue?.hasSuffix("/protection") == true {
            return ReviewGate(
                requiresReview: false, detail: "branch protection without required pull request reviews",
                location: SourceLocation(path: path, line: 1))
        }
        return nil
    }

    /// A review count (absent or not a whole number: 0, which requires nothing).
    private static func reviewCount(_ value: JSONValue?) -> Int { value?.exactUInt64.map { Int(min($0, 1_000)) } ?? 0 }
}
