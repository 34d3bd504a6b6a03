/** The frontier of the simulation's uniform-cost path search (designer/simulate-paths.ts). */
/** A binary heap of items by cost; among equal costs the earliest pushed comes first (deterministic). */
export class CostHeap<T extends { cost: number }> {
  private readonly heap: { node: T; seq: number }[] = [];
  private seq = 0;
  get size(): number {
    return this.heap.length;
  }
  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.node.cost < y.node.cost || (x.node.cost === y.node.cost && x.seq < y.seq);
  }
  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b], this.heap[a]];
  }
  push(node: T): void {
    this.heap.push({ node, seq: this.seq++ });
    for (let i = this.heap.length - 1; i > 0 && this.less(i, (i - 1) >> 1); i = (i - 1) >> 1) this.swap(i, (i - 1) >> 1);
  }
  pop(): T {
    const top = this.heap[0].node;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
