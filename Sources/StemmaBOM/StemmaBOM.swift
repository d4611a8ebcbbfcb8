// AI-BOM writers (CycloneDX ML-BOM, SPDX 3) from the supply-chain graph.
