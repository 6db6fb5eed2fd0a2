//! The govchain binary: node and command-line interface
