//! Public records module: publish, amend, withdraw; versions linked; nothing deleted
