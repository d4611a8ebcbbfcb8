"""A real MCP server (the `mcp` PyPI package) for the posture interop test: three tools with and without
annotations, served over stdio."""

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

server = MCPServer("posture-fixture")


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def lookup_customer(customer_id: str) -> str:
    """Read a customer record from the CRM."""
    return customer_id


@server.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, openWorldHint=False))
def create_ticket(title: str) -> str:
    """Create a support ticket."""
    return title


@server.tool()
def run_python(code: str) -> str:
    """Run Python code and return stdout (no annotations: the pessimistic defaults apply)."""
    return code


if __name__ == "__main__":
    server.run("stdio")
