// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @title IERC7641
 * @notice The ERC-7641 "Intrinsic RevShare Token" interface, exactly as the EIP defines it: an ERC-20
 * whose holders claim a share of the ETH revenue at each snapshot and can burn tokens to redeem a
 * proportional share of the revenue pool.
 * @dev imogate deposits fees into any contract implementing this interface by sending plain ETH to its
 * `receive()` function; it calls nothing else on the token.
 */
interface IERC7641 is IERC20 {
    /**
     * @notice Returns the amount of ETH `account` can claim for snapshot `snapshotId`.
     * @param account The address of the token holder.
     * @param snapshotId The snapshot id.
     * @return The amount of ETH claimable, in wei.
     */
    function claimableRevenue(address account, uint256 snapshotId) external view returns (uint256);

    /**
     * @notice Claims the caller's ETH for snapshot `snapshotId`, based on its token balance at that snapshot.
     * @param snapshotId The snapshot id.
     */
    function claim(uint256 snapshotId) external;

    /**
     * @notice Snapshots token balances and the claimable revenue.
     * @dev The EIP requires a guard against denial of service; implementations rate-limit it.
     * @return The new snapshot id.
     */
    function snapshot() external returns (uint256);

    /**
     * @notice Returns the ETH a holder would receive for burning `amount` tokens now.
     * @param amount The amount of tokens to burn.
     * @return The amount of ETH redeemable, in wei.
     */
    function redeemableOnBurn(uint256 amount) external view returns (uint256);

    /**
     * @notice Burns `amount` of the caller's tokens and pays it the corresponding ETH.
     * @param amount The amount of tokens to burn.
     */
    function burn(uint256 amount) external;
}
