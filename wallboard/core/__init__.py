"""The domain: snapshots, the server's clock, the board and what it shows. No Textual, no httpx."""
