#if Serve
    import NIOCore
    import NIOHTTP1
    import StemmaPosture

    /// One HTTP/1.1 connection of the receiver: collects a `POST /v1/traces` body up to the bound, hands it to
    /// `OTLPIngest` and writes its answer. A body past the bound is read and dropped (never held) and answered 413;
    /// a request beyond the concurrency bound is answered 503. Runs on the connection's event loop.
    final class OTLPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private enum Refusal {
            case tooLarge, busy, notFound, wrongMethod
        }

        private let server: PostureServer
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []
        private var refusal: Refusal?
        private var holdsSlot = false

        init(server: PostureServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request):
                head = request
                body = []
                refusal = nil
                if request.uri.split(separator: "?", maxSplits: 1).first != "/v1/traces" {
                    refusal = .notFound
                } else if request.method != .POST {
                    refusal = .wrongMethod
                } else if let length = request.headers.first(name: "content-length").flatMap(Int.init),
                    length > server.options.maxBodyBytes
                {
                    refusal = .tooLarge
                } else if server.admit() {
                    holdsSlot = true
                } else {
                    refusal = .busy
                }
            case .body(var part):
                guard refusal == nil else { return }
                guard body.count + part.readableBytes <= server.options.maxBodyBytes else {
                    refusal = .tooLarge
                    body = []
                    return
                }
                body += part.readBytes(length: part.readableBytes) ?? []
            case .end:
                guard let request = head else { return }
                let answer = respond(to: request)
                release()
                body = []
                head = nil
                write(answer, for: request, context: context, close: refusal == .tooLarge || !request.isKeepAlive)
            }
        }

        /// A connection silent for `idleSeconds` is closed, so a slow client cannot hold a slot for ever.
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is IdleStateHandler.IdleStateEvent {
                context.close(promise: nil)
            } else {
                context.fireUserInboundEventTriggered(event)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            release()
            context.fireChannelInactive()
        }

        private func release() {
            if holdsSlot { server.leave() }
            holdsSlot = false
        }

        private func respond(to request: HTTPRequestHead) -> OTLPIngest.Answer {
            let contentType = request.headers.first(name: "content-type")
            let json = (contentType ?? "").lowercased().contains("json")
            let ingest = server.ingest
            switch refusal {
            case .tooLarge?:
                return ingest.refuse(
                    413, "the body exceeds \(server.options.maxBodyBytes) bytes", json ? .json : .protobuf)
            case .busy?:
                let limit = server.options.maxConcurrentRequests
                return ingest.refuse(503, "busy: \(limit) requests in progress", json ? .json : .protobuf)
            case .notFound?:
                return ingest.refuse(404, "only POST /v1/traces is served", json ? .json : .protobuf)
            case .wrongMethod?:
                return ingest.refuse(405, "only POST /v1/traces is served", json ? .json : .protobuf)
            case nil:
                return server.receive(
                    body: body, contentType: contentType,
                    contentEncoding: request.headers.first(name: "content-encoding"))
            }
        }

        private func write(
            _ answer: OTLPIngest.Answer, for request: HTTPRequestHead, context: ChannelHandlerContext, close: Bool
        ) {
            if let problem = answer.problem { PostureServer.log("\(answer.status): \(problem)") }
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: answer.contentType)
            headers.add(name: "content-length", value: String(answer.body.count))
            if close { headers.add(name: "connection", value: "close") }
            let head = HTTPResponseHead(
                version: request.version, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: answer.body.count)
            buffer.writeBytes(answer.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if close {
                let channel = context.channel
                done.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
#endif
