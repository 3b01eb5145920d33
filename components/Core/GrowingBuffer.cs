namespace Infra.Components.Core;

/// <summary>
/// A byte buffer that one thread appends to while another reads what has been written so far (the read-back check
/// parses the program while the emitter is still writing it). Bytes never move once written: the buffer is one block
/// sized for the expected program plus further blocks if it outgrows that. The writer never waits for the reader;
/// a reader that has caught up waits for more bytes or for <see cref="Complete"/>, which the writer always calls.
/// </summary>
internal sealed class GrowingBuffer(int expectedBytes)
{
    private readonly List<byte[]> _blocks = [new byte[Math.Max(expectedBytes, 4096)]];
    private readonly List<long> _starts = [0];
    private readonly object _gate = new();
    private long _length; // bytes published to readers
    private bool _complete;

    public long Length { get { lock (_gate) return _length; } }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            byte[] block;
            long start;
            lock (_gate) { block = _blocks[^1]; start = _starts[^1]; }
            var used = (int)(_length - start); // only this thread changes _length
            var n = Math.Min(bytes.Length, block.Length - used);
            if (n == 0)
            {
                lock (_gate) { _blocks.Add(new byte[Math.Max(block.Length / 2, 1 << 20)]); _starts.Add(_length); }
                continue;
            }
            bytes[..n].CopyTo(block.AsSpan(used));
            bytes = bytes[n..];
            lock (_gate)
            {
                _length += n;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>No more bytes will come: readers see the end.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The whole content (after <see cref="Complete"/>): the first block itself when it holds everything.</summary>
    public ArraySegment<byte> Content()
    {
        lock (_gate)
        {
            if (_blocks.Count == 1) return new ArraySegment<byte>(_blocks[0], 0, (int)_length);
            var all = new byte[_length];
            for (var i = 0; i < _blocks.Count; i++)
            {
                var count = (int)((i + 1 < _blocks.Count ? _starts[i + 1] : _length) - _starts[i]);
                _blocks[i].AsSpan(0, count).CopyTo(all.AsSpan((int)_starts[i]));
            }
            return new ArraySegment<byte>(all);
        }
    }

    public Stream OpenWriter() => new WriteStream(this);

    public Stream OpenReader() => new ReadStream(this);

    /// <summary>Blocks until bytes past <paramref name="position"/> exist or the buffer is complete; copies what it can.</summary>
    private int Read(long position, Span<byte> destination)
    {
        byte[] block;
        long start, available;
        lock (_gate)
        {
            while (_length <= position && !_complete) Monitor.Wait(_gate);
            available = _length - position;
            if (available <= 0) return 0;
            var i = _starts.Count - 1;
            while (_starts[i] > position) i--;
            block = _blocks[i];
            start = _starts[i];
            var blockEnd = i + 1 < _starts.Count ? _starts[i + 1] : _length;
            available = Math.Min(available, blockEnd - position);
        }
        var n = (int)Math.Min(available, destination.Length);
        block.AsSpan((int)(position - start), n).CopyTo(destination);
        return n;
    }

    private sealed class WriteStream(GrowingBuffer buffer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => buffer.Length;
        public override long Position { get => buffer.Length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] b, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] b, int offset, int count) => buffer.Append(b.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> b) => buffer.Append(b);
    }

    private sealed class ReadStream(GrowingBuffer buffer) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] b, int offset, int count) => Read(b.AsSpan(offset, count));
        public override int Read(Span<byte> destination)
        {
            var n = buffer.Read(_position, destination);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] b, int offset, int count) => throw new NotSupportedException();
    }
}
