// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// GovChain's precompiles: government facts, read from the state the block executes on.
/// Addresses and gas are documented in docs/evm.md.

/// Certificate status (0x0000000000000000000000000000000000000c01).
interface IGovCertificates {
    /// Whether certificate `certId` exists and is in force (active, within its validity).
    function isValid(string calldata certId) external view returns (bool);
    /// Whether the holder with this pseudonym holds a certificate of `certType` in force.
    function holderHasValid(bytes32 pseudonym, string calldata certType) external view returns (bool);
}

/// Public records (0x0000000000000000000000000000000000000c02).
interface IGovRecords {
    /// The latest version of a record: its number (0: no such record), whether it is active,
    /// and the hash of its encoding.
    function latestVersion(string calldata recordId) external view returns (uint32 version, bool active, bytes32 hash);
}

/// Identity (0x0000000000000000000000000000000000000c03).
interface IGovIdentity {
    /// Whether the account `account` acts for (a bound Ethereum key's account, or the native
    /// account itself) is active and holds `role` in its organisation.
    function hasRole(address account, string calldata role) external view returns (bool);
    /// The organisation of the account `account` acts for ("" if none).
    function organisationOf(address account) external view returns (string memory);
}

/// The precompiles at their addresses.
library GovChain {
    IGovCertificates internal constant CERTIFICATES = IGovCertificates(address(0xc01));
    IGovRecords internal constant RECORDS = IGovRecords(address(0xc02));
    IGovIdentity internal constant IDENTITY = IGovIdentity(address(0xc03));
}
