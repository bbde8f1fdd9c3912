using Parley.Domain.Conversations;

namespace Parley.Data.Conversations;

/// <summary>
/// How many of a company's conversations whose client has one tag share one folder and assignee. Database triggers (the
/// TagCounts migrations, one set per provider) keep it exact in the same transaction as every insert, update and delete
/// of a conversation or of a client's tag, whichever code path or cascade makes it. The inbox reads a tag's folder
/// counts here: counting them from the conversations checks every conversation of the open folders (and of a Manager's
/// own archive) against the tag's clients, tens of thousands of rows at scale.
/// </summary>
public sealed class TagCount
{
    public Guid CompanyId { get; set; }

    public Guid TagId { get; set; }

    public Folder Folder { get; set; }

    /// <summary><see cref="ConversationCount.Unassigned"/> for "no assignee".</summary>
    public Guid AssigneeId { get; set; }

    public int Count { get; set; }
}
