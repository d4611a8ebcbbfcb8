import StemmaCore
import StemmaScan
import Testing

@Suite struct FormatGGUFTests {
    private func check(_ bytes: [UInt8]) -> [ScanFinding] { GGUFCheck.check(ScanInput(bytes: bytes, path: "m.gguf")) }

    static let llama3Template = """
        {%- if custom_tools is defined %}{%- set tools = custom_tools %}{%- endif %}
        {%- if not date_string is defined %}{%- set date_string = "26 Jul 2024" %}{%- endif %}
        {{- bos_token }}{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}{%- else %}{%- set system_message = "" %}{%- endif %}
        {{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}{{- "Today Date: " + date_string + "\\n\\n" }}
        {%- for message in messages %}
            {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
                {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
            {%- elif 'tool_calls' in message %}
                {%- set tool_call = message.tool_calls[0].function %}
                {{- '{"name": "' + tool_call.name + '", "parameters": ' }}{{- tool_call.arguments | tojson }}{{- "}" }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}
        """
    static let chatMLTemplate = """
        {% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}\
        {{ '<|im_start|>system\\nYou are a helpful assistant that describes photos. Be concise about videos. Retrieval(ok)<|im_end|>\\n' }}\
        {% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'].strip() + '<|im_end|>' + '\\n'}}\
        {% if loop.last and add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}{% endfor %}
        """
    static let mistralTemplate = """
        {{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\
        {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}\
        {% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}\
        {% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}\
        {{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}
        """
    static let deepSeekTemplate = """
        {% set ns = namespace(is_first=false, is_tool=false, system_prompt='') %}{%- for message in messages %}\
        {%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}\
        {{ bos_token }}{{ ns.system_prompt }}{%- for message in messages %}{%- if message['role'] == 'assistant' %}\
        {% set content = message['content'].split('</think>')[-1].lstrip('\\n') %}{{'<｜Assistant｜>' + content}}\
        {%- endif %}{%- endfor %}{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}
        """

    @Test func aValidFileIsSafe() {
        #expect(check(GGUFBuilder().bytes()).isEmpty)
        var version1 = GGUFBuilder()
        version1.version = 1
        #expect(check(version1.bytes()).isEmpty)
        var aligned = GGUFBuilder()
        aligned.values.append(("general.alignment", .u32(64)))
        aligned.alignment = 64
        #expect(check(aligned.bytes()).isEmpty)
        var bigEndian = GGUFBuilder()
        bigEndian.bigEndian = true
        #expect(check(bigEndian.bytes()).isEmpty)
        var vocab = GGUFBuilder()
        vocab.values += [("tokenizer.ggml.tokens", .stringArray(["a", "b", "<s>"])), ("x.scores", .u8Array(100))]
        #expect(check(vocab.bytes()).isEmpty)
    }

    @Test(arguments: [llama3Template, chatMLTemplate, mistralTemplate, deepSeekTemplate])
    func ordinaryChatTemplatesAreSafe(_ template: String) {
        var builder = GGUFBuilder()
        builder.values.append(("tokenizer.chat_template", .string(template)))
        builder.values.append(("tokenizer.chat_template.tool_use", .string(template)))
        #expect(check(builder.bytes()).isEmpty)
    }

    static let escapes: [(String, String)] = [
        ("{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read() }}", "__init__"),
        ("{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% endfor %}", "__class__"),
        ("{{ x | attr ( 'evil' ) }}", "|attr("),
        ("{{ lipsum['glob' ~ 'als'] }}", "lipsum"),
        ("{{ joiner }}", "joiner"),
        ("{{ config.os . system('id') }}", "os."),
        ("{{ eval ('1') }}", "eval("),
        ("{{ x.__reduce_ex__(2) }}", "__reduce_ex__"),
    ]

    @Test(arguments: escapes)
    func sandboxEscapesAreSuspiciousWithTheToken(_ sample: (String, String)) throws {
        var builder = GGUFBuilder()
        builder.values.append(
            ("tokenizer.chat_template", .string("{% for m in messages %}" + sample.0 + "{% endfor %}")))
        let findings = check(builder.bytes())
        #expect(findings.worstVerdict == .suspicious)
        #expect(findings.allSatisfy { $0.code == .scanGGUFChatTemplate })
        let details = findings.compactMap(\.evidence.detail)
        #expect(details.contains { $0.contains("`\(sample.1)`") }, "\(details)")
    }

    @Test func templatesInStringArraysAreInspected() {
        var builder = GGUFBuilder()
        builder.values.append(("tokenizer.chat_templates", .stringArray(["ok", "{{ cycler.__init__ }}"])))
        #expect(check(builder.bytes()).worstVerdict == .suspicious)
    }

    @Test func brokenHeadersAreMalformed() {
        let valid = GGUFBuilder().bytes()
        var samples: [(String, [UInt8])] = []
        // The first key's length field sits right after the 24-byte preamble.
        var hugeString = valid
        hugeString.replaceSubrange(24..<32, with: FormatFixtures.le64(UInt64.max - 3))
        samples.append(("huge string length", hugeString))
        var hugeKV = valid
        hugeKV.replaceSubrange(16..<24, with: FormatFixtures.le64(1 << 40))
        samples.append(("huge n_kv", hugeKV))
        var hugeTensors = valid
        hugeTensors.replaceSubrange(8..<16, with: FormatFixtures.le64(1 << 50))
        samples.append(("huge n_tensors", hugeTensors))
        var array = GGUFBuilder()
        array.values.append(("x.scores", .u8Array(4)))
        var hugeArray = array.bytes()
        let marker = Array("x.scores".utf8)
        if let at = (0..<hugeArray.count).first(where: { hugeArray[$0...].starts(with: marker) }) {
            let countOffset = at + marker.count + 8
            hugeArray.replaceSubrange(countOffset..<(countOffset + 8), with: FormatFixtures.le64(1 << 62))
        }
        samples.append(("huge array length", hugeArray))
        var misaligned = GGUFBuilder()
        misaligned.tensors[1].3 = 520
        samples.append(("misaligned tensor", misaligned.bytes()))
        var beyond = GGUFBuilder()
        beyond.tensors[1].3 = 4096
        samples.append(("tensor beyond the file", beyond.bytes()))
        var overlapping = GGUFBuilder()
        overlapping.tensors[1].3 = 256
        samples.append(("overlapping tensors", overlapping.bytes()))
        var badAlignment = GGUFBuilder()
        badAlignment.values.append(("general.alignment", .u32(48)))
        samples.append(("alignment not a power of two", badAlignment.bytes()))
        var dims = GGUFBuilder()
        dims.tensors[0].1 = [1, 1, 1, 1, 128]
        samples.append(("five dimensions", dims.bytes()))
        var partialBlock = GGUFBuilder()
        partialBlock.tensors[1].1 = [31]
        samples.append(("partial Q8_0 block", partialBlock.bytes()))
        var duplicate = GGUFBuilder()
        duplicate.values.append(("general.architecture", .string("again")))
        samples.append(("duplicate key", duplicate.bytes()))
        var version = valid
        version[4] = 9
        samples.append(("version 9", version))
        samples.append(("truncated", Array(valid.prefix(40))))
        for (name, bytes) in samples {
            let findings = check(bytes)
            #expect(findings.worstVerdict == .malformed, "\(name): \(findings)")
            #expect(findings.codes.contains("scan.malformed"), "\(name): \(findings)")
        }
    }

    @Test func anUnknownTensorTypeIsSuspicious() {
        var builder = GGUFBuilder()
        builder.tensors[1].2 = 200
        let findings = check(builder.bytes())
        #expect(findings.codes == ["scan.gguf-unknown-tensor-type"])
        #expect(findings.worstVerdict == .suspicious)
    }
}
