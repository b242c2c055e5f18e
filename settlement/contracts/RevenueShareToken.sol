// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC7641} from "./ERC7641.sol";

/**
 * @title RevenueShareToken
 * @notice The ERC-7641 token of one model in an Initial Model Offering: a fixed supply minted once to
 * `holder`, revenue shared as {ERC7641} describes.
 * @dev The owner has no power over the token itself (no minting, no pausing, no withdrawal); it exists
 * so that the model owner can endorse the operators that settle usage into this token in
 * `UsageSettlement`. Ownership can be transferred or renounced with OpenZeppelin {Ownable}.
 */
contract RevenueShareToken is ERC7641, Ownable {
    /**
     * @param name_ The token name.
     * @param symbol_ The token symbol.
     * @param supply The whole supply, in the smallest unit (18 decimals), minted to `holder`.
     * @param holder The receiver of the supply.
     * @param initialOwner The owner (the model owner), who may endorse settlement operators.
     * @param percentClaimable_ The percentage (0 to 100) of new revenue claimable at each snapshot.
     * @param snapshotInterval_ The minimum number of seconds between snapshots, at least 1.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        uint256 supply,
        address holder,
        address initialOwner,
        uint256 percentClaimable_,
        uint256 snapshotInterval_
    ) ERC20(name_, symbol_) ERC7641(percentClaimable_, snapshotInterval_) Ownable(initialOwner) {
        _mint(holder, supply);
    }
}
