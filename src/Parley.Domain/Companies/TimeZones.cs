namespace Parley.Domain.Companies;

public static class TimeZones
{
    /// <summary>Finds an IANA zone; unknown names fall back to UTC so a bad value never stops a conversation.</summary>
    public static TimeZoneInfo Find(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) return zone;
        return TimeZoneInfo.Utc;
    }

    public static bool Exists(string? id) => !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
