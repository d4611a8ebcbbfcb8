import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

@testable import StemmaScan

/// Text formats a loader turns into code paths: Jinja chat templates as programs (rule 6), saved_model.pbtxt,
/// Keras config.json, Hydra/NeMo `_target_`.
@Suite struct FormatTemplatesTests {
    let scanner = ModelScanner()

    // MARK: Jinja constants

    @Test(arguments: [
        ("{{ x|attr('__in'~'it__') }}", "__init__"),
        ("{{ x|attr('__in' + 'it__') }}", "__init__"),
        ("{{ x|attr('__glo' \"bals__\") }}", "__globals__"),
        (#"{{ x|attr('\x5f\x5fclass\x5f\x5f') }}"#, "__class__"),
        (#"{{ x|attr('\u005f\u005fmro\u005f\u005f') }}"#, "__mro__"),
        (#"{{ x|attr('\U0000005f\U0000005fbuiltins__') }}"#, "__builtins__"),
        (#"{% set a = '\137\137import\137\137' %}"#, "__import__"),
        ("{{ x|attr(['__sub', 'classes__']|join) }}", "__subclasses__"),
        ("{{ x|attr(['__sub', 'classes__']|join('')) }}", "__subclasses__"),
        ("{{ x|attr('__tini__'|reverse) }}", "__init__"),
        ("{{ x|attr('__INIT__'|lower) }}", "__init__"),
        ("{{ x|attr('__in' ~ ('it' ~ '__')) }}", "__init__"),
        ("{{ x|attr('%c%cinit%s'|format(95, 95, '__')) }}", "__init__"),
    ])
    func constantsAreFolded(template: String, constant: String) {
        #expect(JinjaConstants.constants(in: Array(template.utf8)).contains(constant))
        let findings = ChatTemplateCheck.checkTemplate(Array(template.utf8))
        #expect(findings.contains { $0.code == .scanChatTemplateObfuscated && $0.verdict == .dangerous })
    }

    @Test func stringsInsideBlocksMayHoldTheCloser() {
        let template = "{{ 'a}}b' ~ '__cl' }}{{ 'ass__' }}text {# '__init__' in a comment #}"
        // '__cl' and 'ass__' sit in different blocks: Jinja never joins them.
        #expect(!JinjaConstants.constants(in: Array(template.utf8)).contains("__class__"))
        #expect(JinjaConstants.constants(in: Array(template.utf8)).contains("a}}b__cl"))
    }

    @Test func decodedProseIsNotAnEscape() {
        // "\nos." decodes to a line starting "os." and "\neval(" a line starting "eval(": neither is an attribute name.
        let template = #"{{ 'Check your files.\nos.path is not available; no\neval(x) here.' ~ message['content'] }}"#
        #expect(ChatTemplateCheck.checkTemplate(Array(template.utf8)).isEmpty)
    }

    /// The published templates of Llama 3 (Meta-Llama-3-8B-Instruct), Qwen2 (Qwen2-7B-Instruct) and Mistral
    /// (Mistral-7B-Instruct-v0.1), as their tokenizer_config.json ships them.
    static let benignTemplates = [
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
        "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
    ]

    @Test(arguments: benignTemplates)
    func publishedTemplatesAreSafe(template: String) {
        #expect(ChatTemplateCheck.checkTemplate(Array(template.utf8)).isEmpty)
        let config = JSONWriter().string(.object([("chat_template", .string(template))]))
        #expect(scanner.scan(bytes: Array(config.utf8), name: "m/tokenizer_config.json").file.verdict == .safe)
        #expect(scanner.scan(bytes: Array(template.utf8), name: "m/chat_template.jinja").file.verdict == .safe)
    }

    @Test func tokenizerConfigTemplateListsAreChecked() {
        let hidden = "{{ cycler|attr('__in'~'it__') }}"
        let config = JSONWriter().string(
            .object([
                (
                    "chat_template",
                    .array([
                        .object([("name", .string("default")), ("template", .string(Self.benignTemplates[0]))]),
                        .object([("name", .string("tool_use")), ("template", .string(hidden))]),
                    ])
                )
            ]))
        let (file, _) = scanner.scan(bytes: Array(config.utf8), name: "tokenizer_config.json")
        #expect(file.format == "tokenizer-config")
        #expect(file.verdict == .dangerous)
        #expect(file.has("scan.chat-template-obfuscated"))
    }

    // MARK: saved_model.pbtxt

    @Test func pbtxtOpsAreFoundHoweverTheyAreSpelled() {
        let text = """
            # a comment with op: "ReadFile"
            meta_graphs {
              graph_def {
                node { name: "a" attr { key: "k" value { s: "op: \\"WriteFile\\"" } } op: "\\x52ead" 'File' }
                node < name: "b" op: "DatasetToTFRecord" >
                library { function { node_def { name: "n" op: "CreateSummaryFileWriter" } signature { name: "f" } } }
                node { name: "save/SaveV2" op: "SaveV2" }
              }
              meta_info_def { any_info { [type.googleapis.com/tensorflow.X] { v: 1.5e-3 } } }
            }
            """
        let findings = SavedModelTextCheck.check(Array(text.utf8))
        let ops = findings.compactMap(\.evidence.opcode)
        #expect(ops.sorted() == ["CreateSummaryFileWriter", "DatasetToTFRecord", "ReadFile"])
        #expect(findings.allSatisfy { $0.verdict == .dangerous })
        #expect(!ops.contains("WriteFile"))  // a string value that mentions an op is not an op
        let (file, _) = scanner.scan(bytes: Array(text.utf8), name: "m/saved_model.pbtxt")
        #expect(file.format == "saved-model-text")
    }

    @Test func brokenPbtxtIsMalformedAndKeepsItsOps() {
        let findings = SavedModelTextCheck.check(Array("meta_graphs { graph_def { node { op: \"PyFunc\" ".utf8))
        #expect(findings.codes.contains("scan.tf-unsafe-op"))
        #expect(findings.codes.contains("scan.malformed"))
    }

    // MARK: Keras config.json

    @Test func configJSONIsAKerasConfigOnlyWhenItIsAKerasObject() {
        let keras =
            #"{"\u0063lass_name": "Sequential", "config": {"layers": [{"module": "os", "class_name": "system", "config": {}}]}}"#
        let findings = KerasConfigCheck.checkConfigFile(Array(keras.utf8))
        #expect(findings?.codes == ["scan.keras-module"])
        #expect(
            KerasConfigCheck.checkConfigFile(Array(#"{"architectures": ["Bert"], "model_type": "bert"}"#.utf8)) == nil)
        let (file, _) = scanner.scan(bytes: Array(keras.utf8), name: "folder/config.json")
        #expect(file.format == "keras-config")
        #expect(file.verdict == .dangerous)
    }

    @Test func escapedKeysInAnH5ConfigAreDecoded() {
        let config =
            #"{"class_name": "Sequential", "config": {"layers": [{"\u0063lass_name": "Lambda", "config": {"function": ["YQ==", null, null], "function_type": "lambda"}}]}}"#
        let escapedOnly = config.replacingOccurrences(of: #""class_name""#, with: #""\u0063lass_name""#)
        let training = #"{"optimizer_config": {"class_name": "Adam", "config": {}}}"#
        var file = HDF5Check.signature + [UInt8](repeating: 0, count: 120)
        file += Array("model_config".utf8) + [0, 0, 0, 0] + Array(escapedOnly.utf8) + [0, 0, 0, 0]
        file += Array("training_config".utf8) + [0, 0] + Array(training.utf8) + [UInt8](repeating: 0, count: 64)
        let findings = HDF5Check.check(ScanInput(bytes: file, path: "m.h5"))
        #expect(findings.contains { $0.code == .scanKerasLambda && $0.verdict == .dangerous })
    }

    // MARK: Hydra

    @Test func hydraTargetsAreJudgedByTheDenylist() {
        let yaml = """
            model:
              _target_: nemo.collections.asr.models.EncDecCTCModel
              optim: {_target_: torch.optim.AdamW, lr: 0.1}
            hooks:
              - _target_: &t "subprocess.Popen"
              - {_target_: *t}
              - _target_: "${oc.env:TARGET}"
              - _target_: mylib.build
              - _target_: eval
            """
        let findings = HydraConfigCheck.check(Array(yaml.utf8))
        let unsafe = findings.filter { $0.code == .scanHydraUnsafeTarget }.compactMap(\.evidence.detail)
        #expect(unsafe == ["subprocess.Popen", "subprocess.Popen", "eval"])
        let review = findings.filter { $0.code == .scanHydraTarget }.compactMap(\.evidence.detail)
        #expect(review == ["${oc.env:TARGET}", "mylib.build"])
        #expect(HydraConfigCheck.check(Array("a: {_target_: torch.nn.Linear}\n".utf8)).isEmpty)
        // NeMo's legacy form: `cls` with `params` beside it is a target; a `cls` alone is just a key.
        let legacy = HydraConfigCheck.check(
            Array("m: {cls: os.system, params: {command: x}}\nn: {cls: os.system}\n".utf8))
        #expect(legacy.codes == ["scan.hydra-unsafe-target"])
        #expect(
            HydraConfigCheck.check(Array("a: [unclosed\n_target_: os.system\n".utf8)).codes.contains("scan.malformed"))
        #expect(HydraConfigCheck.check(Array("a: [unclosed\n".utf8)).isEmpty)
    }
}

/// Seeded mutations of the text formats and joblib streams: nothing may crash, and a hidden escape survives
/// damage after it.
@Suite struct FormatTextFuzzTests {
    static let samples: [(name: String, bytes: [UInt8])] = [
        ("chat_template.jinja", Array("{{ x|attr('__in' ~ ('it' ~ '__')) }}{% set y = ['a','b']|join %}".utf8)),
        ("saved_model.pbtxt", Array("meta_graphs { graph_def { node { name: \"a\" op: \"Read\" 'File' } } }".utf8)),
        ("config.yaml", Array("m:\n  _target_: &t os.system\n  n: {cls: *t, params: {}}\n".utf8)),
        ("config.json", Array(#"{"class_name": "S", "config": {"l": [{"\u0063lass_name": "Lambda"}]}}"#.utf8)),
        ("tokenizer_config.json", Array(#"{"chat_template": [{"name": "a", "template": "{{ '\x5f' }}"}]}"#.utf8)),
        ("m.pkl", [0x78, 0x01, 0x05, 0x00, 0xFA, 0xFF, 0x80, 0x02, 0x4B, 0x01, 0x2E, 0x00, 0x00, 0x00, 0x00]),
        (
            "m.pkl",
            Array("ZF0x5                ".utf8) + [0x78, 0x01, 0x01, 0x05, 0x00, 0xFA, 0xFF]
                + Array("\u{80}\u{2}K\u{1}.".utf8)
        ),
    ]

    @Test func mutatedSamplesNeverCrash() {
        let scanner = ModelScanner()
        var generator = FormatFuzzTests.Generator(state: 10)
        for (name, bytes) in Self.samples {
            for _ in 0..<300 {
                let mutated = FormatFuzzTests.mutate(bytes, using: &generator)
                _ = scanner.scan(bytes: mutated, name: name)
                _ = JinjaConstants.constants(in: mutated)
                _ = SavedModelTextCheck.check(mutated)
                _ = HydraConfigCheck.check(mutated)
                _ = try? ONNXProbe.isModel(ScanInput(bytes: mutated, path: name))
            }
        }
    }

    @Test func damageAfterAHiddenEscapeDoesNotHideIt() {
        let template = Array("{{ x|attr('__in' ~ 'it__') }}{{ unclosed ' ( [ ".utf8)
        #expect(ChatTemplateCheck.checkTemplate(template).contains { $0.code == .scanChatTemplateObfuscated })
    }
}
