/// What a span is once the emitter's names are mapped onto the GenAI semantic conventions.
public enum TraceSpanRole: String, Sendable {
    /// `invoke_agent` (Gemini CLI `agent_call`, Claude Code `claude_code.interaction`, Codex `session_task.turn`,
    /// OpenInference `AGENT`).
    case agent
    /// `execute_tool` (Gemini CLI `tool_call`, Claude Code `claude_code.tool`, OpenInference `TOOL`).
    case tool
    /// An inference call (`chat`, `text_completion`, `generate_content`, Gemini `llm_call`, Claude Code
    /// `claude_code.llm_request`, OpenInference `LLM`, or an older span with `gen_ai.system` and token counts).
    case inference
    /// Anything else (HTTP, database, framework internals).
    case other
}

/// A span seen through the normalisation table of the agent-posture reference (§3.3).
public struct NormalizedSpan: Sendable {
    /// The span as read.
    public var span: TraceSpan
    /// Its role.
    public var role: TraceSpanRole
    /// The emitter family (`semconv`, `gemini-cli`, `claude-code`, `codex`, `openinference`, `legacy`, `none`).
    public var emitter: String
    /// For an agent span: its identity (`gen_ai.agent.id`, else `gen_ai.agent.name`, else `agent.name`, else
    /// the resource's `service.name`), and whether it came from an id attribute.
    public var agentIdentity: String?
    /// For a tool span: the tool name.
    public var toolName: String?
    /// For a tool span: the call id.
    public var callID: String?
    /// For an inference span: input + output tokens as reported (nil when none are reported). For a Codex turn
    /// span: its `codex.turn.token_usage.*` totals, the one per-turn count Codex always exports (its per-request
    /// response spans repeat the same tokens and are not counted).
    public var tokens: Int64?
    /// For a GenAI span: the attributes posture needs that it lacks (AP-MON-1).
    public var missing: [String]

    /// Normalises one span.
    public init(_ span: TraceSpan) {
        self.span = span
        let operation = span.string("gen_ai.operation.name")
        let openInference = span.string("openinference.span.kind")?.uppercased()
        let claude = span.name.hasPrefix("claude_code.")
        // Codex (`codex-rs/otel`) names its turn spans `session_task.*`, puts `codex.*` attributes on turn and
        // response spans, and records each tool call as a `codex.tool_result` event on the span that ran it.
        let codex =
            span.name.hasPrefix("session_task.") || !span.toolResults.isEmpty
            || span.attributes.keys.contains { $0.hasPrefix("codex.") }
        let genAI = span.attributes.keys.contains { $0.hasPrefix("gen_ai.") }
        var role = TraceSpanRole.other
        var emitter = "none"
        switch operation {
        case "invoke_agent"?: (role, emitter) = (.agent, "semconv")
        case "execute_tool"?: (role, emitter) = (.tool, "semconv")
        case "chat"?, "text_completion"?, "generate_content"?: (role, emitter) = (.inference, "semconv")
        case "agent_call"?: (role, emitter) = (.agent, "gemini-cli")
        case "tool_call"?: (role, emitter) = (.tool, "gemini-cli")
        case "llm_call"?: (role, emitter) = (.inference, "gemini-cli")
        case .some: emitter = "semconv"
        case nil:
            if claude {
                emitter = "claude-code"
                switch span.name {
                case "claude_code.interaction": role = .agent
                case "claude_code.tool": role = .tool
                case "claude_code.llm_request": role = .inference
                default: role = .other
                }
            } else if codex {
                emitter = "codex"
                // A regular turn and a review turn are agent runs; compaction and the user's own shell command
                // (`session_task.compact`, `session_task.user_shell`) are not.
                role = ["session_task.turn", "session_task.review"].contains(span.name) ? .agent : .other
            } else if let kind = openInference {
                emitter = "openinference"
                role = kind == "AGENT" ? .agent : kind == "TOOL" ? .tool : kind == "LLM" ? .inference : .other
            } else if span.string("gen_ai.system") != nil || span.string("gen_ai.provider.name") != nil {
                emitter = "legacy"
                let tokens = ["gen_ai.usage.prompt_tokens", "gen_ai.usage.input_tokens"]
                role = tokens.contains { span.attributes[$0] != nil } ? .inference : .other
            }
        }
        self.role = role
        self.emitter = emitter
        agentIdentity = nil
        toolName = nil
        callID = nil
        tokens = nil
        missing = []
        switch role {
        case .agent:
            agentIdentity =
                span.string("gen_ai.agent.id") ?? span.string("gen_ai.agent.name") ?? span.string("agent.name")
                ?? span.string("agent_id") ?? span.serviceName ?? "unknown"
            if emitter == "codex" {
                let input = span.attributes["codex.turn.token_usage.input_tokens"]?.count
                let output = span.attributes["codex.turn.token_usage.output_tokens"]?.count
                if input != nil || output != nil {
                    let (sum, overflow) = (input ?? 0).addingReportingOverflow(output ?? 0)
                    tokens = overflow ? Int64.max : sum
                }
            }
        case .tool:
            toolName = span.string("gen_ai.tool.name") ?? span.string("tool_name") ?? span.string("tool.name")
            callID =
                span.string("gen_ai.tool.call.id") ?? span.string("gen_ai.tool.call_id") ?? span.string("tool_use_id")
                ?? span.string("tool_call.id") ?? span.string("call_id")
            if toolName == nil { missing.append("gen_ai.tool.name") }
            if callID == nil { missing.append("gen_ai.tool.call.id") }
        case .inference:
            let input =
                span.attributes["gen_ai.usage.input_tokens"]?.count ?? span.attributes["gen_ai.usage.prompt_tokens"]?
                .count
                ?? span.attributes["llm.token_count.prompt"]?.count ?? span.attributes["input_tokens"]?.count
            let output =
                span.attributes["gen_ai.usage.output_tokens"]?.count
                ?? span.attributes["gen_ai.usage.completion_tokens"]?.count
                ?? span.attributes["llm.token_count.completion"]?.count ?? span.attributes["output_tokens"]?.count
            if input != nil || output != nil {
                let (sum, overflow) = (input ?? 0).addingReportingOverflow(output ?? 0)
                tokens = overflow ? Int64.max : sum
            }
        case .other: break
        }
        // AP-MON-1 concerns GenAI spans: semconv-named ones must carry the operation name. Claude Code, Codex and
        // OpenInference spans use their own documented names and are judged by what they carry.
        let ownNames: Set<String> = ["claude-code", "codex", "openinference"]
        if genAI && operation == nil && !ownNames.contains(emitter) {
            missing.insert("gen_ai.operation.name", at: 0)
        }
        for result in span.toolResults {
            if result.name == nil, !missing.contains("gen_ai.tool.name") { missing.append("gen_ai.tool.name") }
            if result.callID == nil, !missing.contains("gen_ai.tool.call.id") { missing.append("gen_ai.tool.call.id") }
        }
    }
}
