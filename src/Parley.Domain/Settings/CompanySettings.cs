namespace Parley.Domain.Settings;

/// <summary>Settings → Company, one row of PRODUCT.md each. Defaults are the product's defaults.</summary>
public sealed class CompanySettings
{
    public const int DefaultInactivityMinutes = 15;

    public string MainLanguage { get; set; } = "uk";

    public bool NotifyOnManagerChange { get; set; } = true;

    public bool AskWhetherResolved { get; set; }

    public bool RatingRequired { get; set; }

    public bool ShowTopics { get; set; } = true;

    public bool TopicRequired { get; set; }

    public bool ForbidEditing { get; set; }

    public bool ForbidDeleting { get; set; }

    public bool ManagersMayChangeManager { get; set; }

    public bool ManagersMayBlockClients { get; set; }

    /// <summary>Minutes of client silence after the team spoke last before an Active conversation closes; null = off.</summary>
    public int? InactivityCloseMinutes { get; set; } = DefaultInactivityMinutes;

    public bool BusinessHoursEnabled { get; set; }

    public BusinessHours BusinessHours { get; set; } = BusinessHours.Weekdays9To18();

    public DistributionSettings Distribution { get; set; } = new();
}

public enum DistributionMode
{
    Manual,
    Automatic,
}

/// <summary>How new chats reach managers (PRODUCT.md, Distribution and shifts).</summary>
public sealed class DistributionSettings
{
    public DistributionMode Mode { get; set; } = DistributionMode.Manual;

    /// <summary>Offer a New chat to the client's previous manager first when that manager is eligible.</summary>
    public bool PreferPreviousManager { get; set; } = true;

    /// <summary>Minutes an assigned New chat waits for acceptance before it passes on; null = never.</summary>
    public int? AcceptTimeoutMinutes { get; set; } = 3;

    /// <summary>When a manager reaches the limit: false = set them Invisible (the product's default); true = resume below the limit.</summary>
    public bool ResumeBelowLimit { get; set; }

    /// <summary>Seconds a manager's console may be disconnected before they stop receiving new chats.</summary>
    public int DisconnectGraceSeconds { get; set; } = 60;
}
