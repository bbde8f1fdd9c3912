using Parley.Domain.Channels;
using Parley.Domain.Conversations;

namespace Parley.Data.Conversations;

/// <summary>
/// How many of a company's conversations share one folder, assignee, platform, AI mark and language. Database triggers
/// (one set per provider, in the migrations) keep it exact in the same transaction as every insert, update and delete of
/// a conversation, whichever code path or cascade makes it; the inbox reads folder counts here instead of counting
/// a million rows. The filters it covers are the ones it has columns for.
/// </summary>
public sealed class ConversationCount
{
    /// <summary>Stands for "no assignee" (a key column cannot be null).</summary>
    public static readonly Guid Unassigned = Guid.Empty;

    /// <summary>Stands for "no language".</summary>
    public const string NoLanguage = "";

    public Guid CompanyId { get; set; }

    public Folder Folder { get; set; }

    public Guid AssigneeId { get; set; }

    public ChannelType ChannelType { get; set; }

    public bool IsAiHandled { get; set; }

    public string Language { get; set; } = NoLanguage;

    public int Count { get; set; }
}
