import XCTest

/// The checker itself: what it must refuse, so a passing page test means a well-formed page.
final class ParsedPageTests: XCTestCase {
    func testMalformedMarkupIsRefused() throws {
        XCTAssertNoThrow(try ParsedPage("<!DOCTYPE html>\n<html><body><p>a &amp; b</p><svg data-plot=\"x\"/></body></html>"))
        for malformed in ["<html><p>a & b</p></html>", "<html><p>open</html>", "<html><p>open</p>", "<a><b></a></b>"] {
            XCTAssertThrowsError(try ParsedPage(malformed), malformed)
        }
    }
}
