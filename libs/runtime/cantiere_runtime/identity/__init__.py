"""Who may come in: the OpenID Connect issuers each partner trusts, token verification, signing keys, and the
development identity provider of the embedded default (DESIGN.md §8)."""
