import { tf } from './tf';

/**
 * Slicing kernels for the wasm backend that read their input where it lies in the wasm heap.
 *
 * tfjs-backend-wasm 4.22's Slice (and SplitV and Unpack, which call it) first copies the WHOLE input
 * out of the heap (`readSync`) and then copies the slice out of that copy: splitting a 512 KB tensor
 * into 64 parts copied 32 MB (31 ms, against 2 ms for the 64 matrix products that followed). These
 * read the input through a view and copy only the slice. The view is taken after the output is
 * allocated, since an allocation may grow (and so move) the heap.
 */

interface WasmTensorInfo {
  readonly dataId: object;
  readonly shape: number[];
  readonly dtype: tf.DataType;
}

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): WasmTensorInfo;
  typedArrayFromHeap(info: WasmTensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
}

interface KernelArgs<Attrs> {
  readonly inputs: Record<string, WasmTensorInfo>;
  readonly attrs: Attrs;
  readonly backend: WasmBackend;
}

const strides = (shape: readonly number[]): number[] => {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1] * shape[i + 1];
  return out;
};

/** Copies the box [begin, begin + size) of x into a new tensor, one contiguous run at a time. */
function sliceInPlace(backend: WasmBackend, x: WasmTensorInfo, begin: readonly number[], size: readonly number[]): WasmTensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const xStrides = strides(x.shape);
  const rank = x.shape.length;
  // The innermost axes that are taken whole, plus the first one that is not, form one contiguous run.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === x.shape[inner]) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const index = begin.slice(0, inner).map(() => 0);
  for (let written = 0; written < count; written += run) {
    let offset = begin[inner] * xStrides[inner];
    for (let axis = 0; axis < inner; axis++) offset += (begin[axis] + index[axis]) * xStrides[axis];
    dst.set(src.subarray(offset, offset + run), written);
    for (let axis = inner - 1; axis >= 0; axis--) {
      if (++index[axis] < size[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

function slice({ inputs: { x }, attrs, backend }: KernelArgs<{ begin: number | number[]; size: number | number[] }>): WasmTensorInfo {
  const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo, attrs.begin, attrs.size);
  return sliceInPlace(backend, x, begin, size);
}

function splitV({ inputs: { x }, attrs, backend }: KernelArgs<{ numOrSizeSplits: number | number[]; axis: number | number[] }>): WasmTensorInfo[] {
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = [...x.shape];
    size[axis] = part;
    const out = sliceInPlace(backend, x, begin, size);
    begin[axis] += part;
    return out;
  });
}

function unpack({ inputs: { value }, attrs, backend }: KernelArgs<{ axis: number }>): WasmTensorInfo[] {
  const axis = attrs.axis < 0 ? attrs.axis + value.shape.length : attrs.axis;
  const size = [...value.shape];
  size[axis] = 1;
  const outShape = value.shape.filter((_, i) => i !== axis);
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    const begin = new Array<number>(value.shape.length).fill(0);
    begin[axis] = i;
    const { dataId, dtype } = sliceInPlace(backend, value, begin, size);
    // Unpack drops the axis: the same data under the shape without it.
    return { dataId, dtype, shape: outShape };
  });
}

/**
 * Identity shares its input's data (as the cpu backend does) instead of copying it: tfjs clones every
 * input an operation saves for its gradient, so on wasm the backward pass of a 135M model copied
 * hundreds of tensors (the embedding table, 113 MB, among them). Tensor data is never written in
 * place (a variable's assign swaps its data), so sharing is safe.
 */
function identity({ inputs: { x }, backend }: KernelArgs<unknown>): WasmTensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let installed = false;

/** Replaces wasm's Slice, SplitV, Unpack and Identity kernels (idempotent; a no-op where wasm is not registered). */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  const kernels: [string, (args: KernelArgs<never>) => WasmTensorInfo | WasmTensorInfo[]][] = [
    [tf.Slice, slice as never],
    [tf.SplitV, splitV as never],
    [tf.Unpack, unpack as never],
    [tf.Identity, identity as never],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, 'wasm')) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
