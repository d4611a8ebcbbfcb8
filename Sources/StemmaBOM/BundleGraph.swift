public import StemmaCore
public import StemmaGraph
public import StemmaInventory
public import StemmaVerification

/// The graph of one model bundle for `stemma bom BUNDLE`: what its cards and headers declare, plus every file with
/// the SHA-256 Stemma recomputed from its bytes (evidence `verified`).
public enum BundleGraph {
    /// Reads the bundle's metadata and hashes every file.
    ///
    /// The bundle's model is the one its own documents declare (a model card or `stemma.yaml` in the bundle, the
    /// one at the top level first); a bundle that declares none is named after its folder, evidence `inferred`.
    /// Each file becomes a `file` component (its path, size and SHA-256) that the model `contains`.
    /// - Returns: the graph (with the inventory's warnings) and the bundle's model, the BOM's subject.
    /// - Throws: ``StemmaError`` when the bundle cannot be listed, a file cannot be hashed, or a metadata file was
    ///   not read in full (a bound was reached).
    public static func read(
        _ bundle: String, limits: InventoryLimits = InventoryLimits(), progress: HashProgress? = nil
    )
        throws(StemmaError) -> (inventory: Inventory.Result, model: ComponentRef)
    {
        let files = try BundleDigests.compute(bundle, progress: progress)
        var model = ComponentRef(kind: .model, name: folderName(bundle))
        let read = Inventory(limits: limits).read([bundle]) { graph in
            var fragment = InventoryFragment()
            if let declared = declaredModel(in: graph, bundle: bundle) {
                model = declared
            } else {
                fragment.components.append(
                    ComponentRecord(
                        ref: model, properties: ["description": "model bundle read from \(bundle)"], source: bundle))
            }
            for file in files {
                let artifact = ComponentRef.artifact(sha256: file.sha256)
                fragment.components.append(
                    ComponentRecord(
                        ref: artifact,
                        properties: [ComponentMapper.fileNameProperty: file.name, "size": String(file.size)],
                        source: bundle))
                fragment.edges.append(
                    EdgeRecord(
                        from: model, to: artifact, relation: .contains,
                        evidence: Evidence(source: bundle, status: .verified)))
            }
            return [fragment]
        }
        try InventoryInputs.requireComplete(read.warnings)
        return (read, model)
    }

    /// The model the bundle's own documents describe: shallowest document first, then by name.
    private static func declaredModel(in graph: Graph, bundle: String) -> ComponentRef? {
        let root = bundle.hasSuffix("/") ? bundle : bundle + "/"
        var best: (depth: Int, ref: ComponentRef)?
        for node in graph.nodes where node.ref.kind == .model {
            for source in node.sources where source.hasPrefix(root) {
                let depth = source.dropFirst(root.count).split(separator: "/").count
                if best.map({ (depth, node.ref) < ($0.depth, $0.ref) }) ?? true { best = (depth, node.ref) }
            }
        }
        return best?.ref
    }

    private static func folderName(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let name = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        return name.isEmpty || name == "." ? "bundle" : name
    }
}
