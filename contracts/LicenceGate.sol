// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import "./GovChain.sol";

/// Admits a licence holder to a public-resource auction only while their licence is in force:
/// the contract asks the chain, not an oracle.
contract LicenceGate {
    mapping(string => bool) public admitted;
    event Admitted(string certId, address by);

    function check(string calldata certId) external view returns (bool) {
        return GovChain.CERTIFICATES.isValid(certId);
    }

    function admit(string calldata certId) external {
        require(GovChain.CERTIFICATES.isValid(certId), "certificate not in force");
        admitted[certId] = true;
        emit Admitted(certId, msg.sender);
    }

    function officialOf(address who) external view returns (string memory) {
        return GovChain.IDENTITY.organisationOf(who);
    }

    /// Transient storage and mcopy (Cancun), as OpenZeppelin 5 uses them.
    function cancun(uint256 x) external returns (uint256) {
        assembly {
            tstore(0, x)
        }
        bytes memory a = abi.encode(x);
        bytes memory b = new bytes(32);
        assembly {
            mcopy(add(b, 32), add(a, 32), 32)
        }
        uint256 y;
        assembly {
            y := tload(0)
        }
        return y + abi.decode(b, (uint256));
    }
}
