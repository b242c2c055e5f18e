// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UsageSettlement} from "../UsageSettlement.sol";

/**
 * @title ReentrantToken
 * @notice TEST ONLY. A hostile "token" whose `receive()` re-enters `UsageSettlement.settle` (as an
 * operator of its own, with a batch that would be valid) when it is paid. It records whether the
 * re-entry succeeded; with `strict` set it reverts when the re-entry fails, so the outer settlement
 * must revert as a whole.
 */
contract ReentrantToken {
    UsageSettlement public immutable settlement;
    /// @notice Whether `receive()` attempted the re-entry.
    bool public attempted;
    /// @notice Whether the re-entrant `settle` succeeded.
    bool public reentered;
    /// @notice Revert when the re-entry fails.
    bool public strict;

    constructor(UsageSettlement settlement_, bool strict_) {
        settlement = settlement_;
        strict = strict_;
        settlement_.setSigner(address(this));
    }

    receive() external payable {
        if (attempted) return;
        attempted = true;
        uint64 batchId = settlement.nextBatchId(address(this), address(this));
        uint64 seq = settlement.nextSeq(address(this), address(this));
        (bool ok,) = address(settlement).call(
            abi.encodeCall(UsageSettlement.settle, (address(this), batchId, keccak256("reentry"), seq, seq))
        );
        reentered = ok;
        require(ok || !strict, "re-entry refused");
    }
}
