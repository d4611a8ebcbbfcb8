import StemmaGraph
import StemmaInventory
import Testing

@Suite struct ReaderContractTests {
    @Test func warningFragmentNamesItsSource() {
        let fragment = InventoryFragment.warning("a.json", "bad")
        #expect(fragment.warnings.first?.description == "a.json: bad")
    }
}
