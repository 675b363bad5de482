/**
 * A minimal writer of ONNX model files (protocol buffers, onnx.proto3): enough for graphs of
 * standard operators over float and int64 tensors. Aisle writes its own small ONNX model (the
 * trained encoder's export) rather than depend on a Python toolchain.
 */

/** ONNX tensor element types used here (TensorProto.DataType). */
export const OnnxType = { FLOAT: 1, INT64: 7 } as const;

export interface OnnxTensor {
  name: string;
  dataType: (typeof OnnxType)[keyof typeof OnnxType];
  dims: number[];
  /** Little-endian element bytes. */
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: (typeof OnnxType)[keyof typeof OnnxType];
  /** A number for a fixed size, a string for a named dynamic dimension ("batch"). */
  shape: (number | string)[];
}

export interface OnnxAttribute {
  name: string;
  int?: number;
}

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: OnnxAttribute[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** Serialises a model: IR version 8, default-domain opset 13. */
export function encodeOnnxModel(graph: OnnxGraph, producer = 'aisle'): Uint8Array {
  const model = new ProtoWriter();
  model.varintField(1, 8); // ir_version
  model.messageField(8, (opset) => {
    opset.stringField(1, '');
    opset.varintField(2, 13);
  });
  model.stringField(2, producer);
  model.stringField(3, '1');
  model.messageField(7, (out) => writeGraph(out, graph));
  return model.finish();
}

/** A float32 tensor from values. */
export function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  return {
    name,
    dataType: OnnxType.FLOAT,
    dims,
    raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/** An int64 tensor from small integers. */
export function int64Tensor(name: string, dims: number[], values: number[]): OnnxTensor {
  const array = BigInt64Array.from(values.map((value) => BigInt(value)));
  return { name, dataType: OnnxType.INT64, dims, raw: new Uint8Array(array.buffer) };
}

function writeGraph(out: ProtoWriter, graph: OnnxGraph): void {
  for (const node of graph.nodes) {
    out.messageField(1, (n) => {
      for (const input of node.inputs) n.stringField(1, input);
      for (const output of node.outputs) n.stringField(2, output);
      n.stringField(3, node.name);
      n.stringField(4, node.opType);
      for (const attribute of node.attributes ?? []) {
        n.messageField(5, (a) => {
          a.stringField(1, attribute.name);
          if (attribute.int !== undefined) {
            a.varintField(3, attribute.int);
            a.varintField(20, 2); // AttributeType.INT
          }
        });
      }
    });
  }
  out.stringField(2, graph.name);
  for (const tensor of graph.initializers) {
    out.messageField(5, (t) => {
      for (const dim of tensor.dims) t.varintField(1, dim);
      t.varintField(2, tensor.dataType);
      t.stringField(8, tensor.name);
      t.bytesField(9, tensor.raw);
    });
  }
  for (const [field, values] of [
    [11, graph.inputs],
    [12, graph.outputs],
  ] as const) {
    for (const value of values) {
      out.messageField(field, (v) => {
        v.stringField(1, value.name);
        v.messageField(2, (type) =>
          type.messageField(1, (tensorType) => {
            tensorType.varintField(1, value.elemType);
            tensorType.messageField(2, (shape) => {
              for (const dim of value.shape) {
                shape.messageField(1, (dimension) => {
                  if (typeof dim === 'number') dimension.varintField(1, dim);
                  else dimension.stringField(2, dim);
                });
              }
            });
          }),
        );
      });
    }
  }
}

/** Protocol-buffer wire format: varints and length-delimited fields, written into growing chunks. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  varintField(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  stringField(field: number, value: string): void {
    this.bytesField(field, new TextEncoder().encode(value));
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, 2);
    this.varint(bytes.length);
    this.push(bytes);
  }

  messageField(field: number, write: (writer: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Unsigned varint of a non-negative safe integer (negative int64s never occur in these models). */
  private varint(value: number): void {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.push(Uint8Array.from(bytes));
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
}
