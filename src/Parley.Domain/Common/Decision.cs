using System.Globalization;

namespace Parley.Domain.Common;

/// <summary>
/// What a rule answers: allowed, or refused with a stable <see cref="Code"/> (see <see cref="RefusalCodes"/>), the
/// values the sentence needs (<see cref="Args"/>) and the English <see cref="Reason"/> for logs and API details.
/// Screens render the code in the reader's language and fall back to the reason.
/// </summary>
public readonly record struct Decision(bool Allowed, DenialKind Kind, string? Reason)
{
    private static readonly IReadOnlyDictionary<string, string> NoArgs = new Dictionary<string, string>();

    public static Decision Allow { get; } = new(true, DenialKind.None, null);

    /// <summary>Which refusal this is, for machines and translations; null when allowed.</summary>
    public string? Code { get; init; }

    /// <summary>Named values of the sentence ("name", "hours"...), formatted invariantly; empty when there are none.</summary>
    public IReadOnlyDictionary<string, string> Args { get; init; } = NoArgs;

    public static Decision Forbidden(string code, string reason, params (string Name, object Value)[] args) =>
        Refuse(DenialKind.Forbidden, code, reason, args);

    public static Decision Conflict(string code, string reason, params (string Name, object Value)[] args) =>
        Refuse(DenialKind.Conflict, code, reason, args);

    public static Decision Invalid(string code, string reason, params (string Name, object Value)[] args) =>
        Refuse(DenialKind.Invalid, code, reason, args);

    public static Decision NotFound(string code, string reason, params (string Name, object Value)[] args) =>
        Refuse(DenialKind.NotFound, code, reason, args);

    public Decision And(Func<Decision> next) => Allowed ? next() : this;

    private static Decision Refuse(DenialKind kind, string code, string reason, (string Name, object Value)[] args) =>
        new(false, kind, reason)
        {
            Code = code,
            Args = args.Length == 0
                ? NoArgs
                : args.ToDictionary(a => a.Name, a => Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? ""),
        };
}

public enum DenialKind
{
    None,
    /// <summary>The role or a company setting does not allow it (HTTP 403).</summary>
    Forbidden,
    /// <summary>The state changed under the caller, e.g. accepted by someone else (HTTP 409).</summary>
    Conflict,
    /// <summary>The request itself is wrong (HTTP 400).</summary>
    Invalid,
    /// <summary>The thing is not visible to the caller (HTTP 404).</summary>
    NotFound,
}

/// <summary>Thrown by use cases when a rule refuses an action; the web layer turns it into ProblemDetails.</summary>
public sealed class RuleViolationException(Decision decision) : Exception(decision.Reason)
{
    public Decision Decision { get; } = decision;
}
