// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title RefusingToken
 * @notice TEST ONLY. A "token" that cannot take its revenue: with `withReceive` its `receive()` reverts
 * with a reason (until `open()` is called); without it, it has no `receive()` and its fallback is not
 * payable, so every ETH transfer to it reverts without data.
 */
contract RefusingToken {
    bool public opened;

    function open() external {
        opened = true;
    }

    receive() external payable {
        require(opened, "revenue closed");
    }
}

/// @notice TEST ONLY. A contract with neither `receive()` nor a payable fallback.
contract NoReceiveToken {
    uint256 public x;

    function touch() external {
        x++;
    }
}
