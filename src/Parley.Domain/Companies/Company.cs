using Parley.Domain.Common;
using Parley.Domain.Settings;

namespace Parley.Domain.Companies;

public sealed class Company : Entity
{
    public required string Name { get; set; }

    /// <summary>IANA time zone for business hours and shift schedules.</summary>
    public string TimeZone { get; set; } = "Europe/Kyiv";

    public CompanySettings Settings { get; set; } = new();

    public DateTime CreatedAt { get; set; }
}
