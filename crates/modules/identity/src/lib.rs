//! Identity module: organisations, accounts, roles and permissions
