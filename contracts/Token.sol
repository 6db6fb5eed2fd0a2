// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A minimal ERC-20-style token (the benchmark's and the tests' contract).
contract Token {
    string public name;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor(string memory name_, uint256 supply) {
        name = name_;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "insufficient balance");
        unchecked {
            balanceOf[msg.sender] -= value;
        }
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }

    /// Spins until gas runs out: a transaction that exceeds its gas limit.
    function burn(uint256 rounds) external returns (uint256 acc) {
        for (uint256 i = 0; i < rounds; i++) {
            acc = uint256(keccak256(abi.encode(acc, i)));
            balanceOf[address(uint160(i))] = acc;
        }
    }
}
