/// BLOBs in JSON, written one way everywhere (the server's responses and `.mode json`): a string
/// of hex digits, two per byte, uppercase — the text SQL's own `hex(x)` gives, so a learner can
/// compare the two. `x'000a0b10ff'` is `"000A0B10FF"`.
///
/// Written through a table into a buffer sized up front: a 90 MB blob is a few hundred ms.
public enum BlobHex {
    static let digits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends the hex digits of `bytes` (no quotes) to `output`.
    public static func append(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bytes.count * 2))
        output.withUnsafeMutableBufferPointer { buffer in
            digits.withUnsafeBufferPointer { digits in
                var position = start
                for byte in bytes {
                    buffer[position] = digits[Int(byte >> 4)]
                    buffer[position + 1] = digits[Int(byte & 0x0F)]
                    position += 2
                }
            }
        }
    }

    /// The hex digits of `bytes` as a string.
    public static func string(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            digits.withUnsafeBufferPointer { digits in
                var position = 0
                for byte in bytes {
                    buffer[position] = digits[Int(byte >> 4)]
                    buffer[position + 1] = digits[Int(byte & 0x0F)]
                    position += 2
                }
            }
            return bytes.count * 2
        }
    }
}
