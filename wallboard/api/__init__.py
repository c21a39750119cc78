"""The wire: Voicenter Active Calls models, parsing, errors and the HTTP client.

Kept free of Textual. Import submodules directly (`wallboard.api.models`), so that code which
only needs the models never pulls in httpx.
"""
