import ArgumentParser

/// Usage errors that name the mistake first: a mistyped subcommand gets the nearest name, and an unknown option
/// is reported before any "give exactly one of …" check that only failed because of it.
enum UsageHints {
    /// The message for a parse or validation error.
    static func message(for error: any Error, arguments: [String]) -> String {
        if let first = arguments.first, !first.hasPrefix("-"), let suggestion = subcommandSuggestion(for: first) {
            return "Error: unknown command '\(first)'. Did you mean '\(suggestion)'?\n"
                + "See 'stemma --help' for the commands."
        }
        if let unknown = unknownOption(in: arguments) {
            var text = "Error: unknown option '\(unknown.option)'"
            if let nearest = unknown.suggestion { text += ". Did you mean '\(nearest)'?" }
            return text + "\nSee 'stemma \(unknown.command) --help'."
        }
        return StemmaCommand.fullMessage(for: error)
    }

    /// The subcommand nearest `word` when `word` is none, within two edits.
    static func subcommandSuggestion(for word: String) -> String? {
        let names = StemmaCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        guard !names.contains(word), !["help"].contains(word) else { return nil }
        return nearest(word, in: names, within: 2)
    }

    /// The first `--long` or `-x` option the subcommand does not declare, with the nearest one it does.
    static func unknownOption(in arguments: [String]) -> (command: String, option: String, suggestion: String?)? {
        guard let name = arguments.first,
            let command = StemmaCommand.configuration.subcommands.first(where: {
                $0.configuration.commandName == name
            })
        else { return nil }
        let known = longOptions(of: command)
        for argument in arguments.dropFirst() {
            if argument == "--" { break }
            let short = argument.count == 2 && argument.hasPrefix("-") && argument.last!.isLetter
            guard argument.hasPrefix("--") || short else { continue }
            let option = String(argument.prefix { $0 != "=" })
            if known.contains(option) { continue }
            // One letter is too little to guess from by distance; only the other case is offered (-Q → -q).
            let suggestion =
                short
                ? [option.lowercased(), option.uppercased()].first { $0 != option && known.contains($0) }
                : nearest(option, in: known.sorted(), within: 3)
            return (name, option, suggestion)
        }
        return nil
    }

    /// Every `--long` and `-x` name a command accepts, read from argument-parser's own help model, so it cannot drift.
    private static func longOptions(of command: any ParsableCommand.Type) -> Set<String> {
        let dump = StemmaCommand.helpMessage(for: command, includeHidden: true, columns: 2000)
        var names: Set<String> = ["--help", "--version", "-h"]
        for word in dump.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "|" || $0 == "[" }) {
            guard word.hasPrefix("-") else { continue }
            let trimmed = word.prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            if trimmed.count >= 2 && trimmed != "--" { names.insert(String(trimmed)) }
        }
        return names
    }

    /// The candidate nearest `word` by edit distance, if within `limit` (ties: the first in `candidates`).
    static func nearest(_ word: String, in candidates: [String], within limit: Int) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(Array(word), Array(candidate))
            if distance <= limit, best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Levenshtein distance; words here are command-line tokens, bounded by what a shell passes.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard a.count < 200, b.count < 200 else { return Int.max }
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
