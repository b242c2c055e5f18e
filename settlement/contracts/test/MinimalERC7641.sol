// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC7641} from "../IERC7641.sol";

/**
 * @title MinimalERC7641
 * @notice TEST ONLY. An ERC-7641 token of another shape than imogate's: no `owner()`, nothing beyond
 * the EIP interface, and a `receive()` that writes storage (so a 2300-gas `transfer` would fail).
 * UsageSettlement must settle into it all the same.
 * @dev Its revenue rules are deliberately naive (every snapshot makes all pending revenue claimable).
 */
contract MinimalERC7641 is ERC20, IERC7641 {
    /// @notice Wei received through `receive()`.
    uint256 public received;
    /// @notice Number of payments received through `receive()`.
    uint256 public payments;
    /// @notice The last sender of a payment.
    address public lastPayer;

    uint256 private _snapshots;
    mapping(uint256 => uint256) private _claimable;
    mapping(uint256 => mapping(address => bool)) private _claimed;

    constructor(uint256 supply) ERC20("Minimal", "MIN") {
        _mint(msg.sender, supply);
    }

    receive() external payable {
        received += msg.value;
        payments += 1;
        lastPayer = msg.sender;
    }

    function claimableRevenue(address account, uint256 snapshotId) public view returns (uint256) {
        if (_claimed[snapshotId][account] || totalSupply() == 0) return 0;
        return (balanceOf(account) * _claimable[snapshotId]) / totalSupply();
    }

    function claim(uint256 snapshotId) external {
        uint256 amount = claimableRevenue(msg.sender, snapshotId);
        _claimed[snapshotId][msg.sender] = true;
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "claim failed");
    }

    function snapshot() external returns (uint256) {
        _snapshots += 1;
        _claimable[_snapshots] = address(this).balance;
        return _snapshots;
    }

    function redeemableOnBurn(uint256) external pure returns (uint256) {
        return 0;
    }

    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
