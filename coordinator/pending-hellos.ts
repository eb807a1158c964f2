/**
 * Connections still waiting for their Hello, counted per remote address and
 * in all. Each may hold up to maxHelloBytes (Connections.capBytesBeforeHello)
 * for up to helloTimeoutMs before anyone is authenticated, so without a count
 * a stranger opening connections would hold the coordinator's memory without
 * bound. Past either limit a new connection is refused as it opens.
 */
export class PendingHellos {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly most: number,
    private readonly mostPerAddress: number,
  ) {}

  /** Counts a new connection from `address`: the function that uncounts it (once), or null if it is over a limit. */
  admit(address: string): (() => void) | null {
    const here = this.byAddress.get(address) ?? 0;
    if (this.total >= this.most || here >= this.mostPerAddress) return null;
    this.total++;
    this.byAddress.set(address, here + 1);
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      this.total--;
      const left = this.byAddress.get(address)! - 1;
      if (left === 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }

  /** Connections waiting for their Hello: in all, and from `address`. */
  waiting(address?: string): number {
    return address === undefined ? this.total : (this.byAddress.get(address) ?? 0);
  }
}
