namespace Parley.Domain.Common;

/// <summary>
/// Version 7 GUIDs (RFC 9562) that also keep their order within a millisecond: the 12 bits after the version are a
/// counter (the RFC's "fixed-length dedicated counter"), so ids made one after another in this process compare in that
/// order — as text (SQLite) and as uuid (PostgreSQL) alike. <see cref="Guid.CreateVersion7()"/> fills those bits at
/// random, so two rows stamped with the same time (one instant of a fake clock, or one transaction) came back from
/// an ordering by time and id in either order.
/// </summary>
public static class TimeOrderedIds
{
    // The last id's Unix milliseconds, shifted left 12 bits, plus its counter. More than 4,096 ids in one millisecond
    // borrow the next millisecond, so the order holds (the id's time runs ahead by as much).
    private static long _last;

    public static Guid Next()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 12;
        long last, next;
        do
        {
            last = Volatile.Read(ref _last);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _last, next, last) != last);

        var ms = next >> 12;
        Span<byte> random = stackalloc byte[8];
        Random.Shared.NextBytes(random);
        return new Guid(
            (int)(ms >> 16),
            (short)(ms & 0xFFFF),
            (short)(0x7000 | (int)(next & 0xFFF)),
            (byte)((random[0] & 0x3F) | 0x80), random[1], random[2], random[3], random[4], random[5], random[6], random[7]);
    }
}
