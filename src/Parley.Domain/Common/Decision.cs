namespace Parley.Domain.Common;

/// <summary>What a rule answers: allowed, or refused with a reason a person understands.</summary>
public readonly record struct Decision(bool Allowed, DenialKind Kind, string? Reason)
{
    public static Decision Allow { get; } = new(true, DenialKind.None, null);

    public static Decision Forbidden(string reason) => new(false, DenialKind.Forbidden, reason);

    public static Decision Conflict(string reason) => new(false, DenialKind.Conflict, reason);

    public static Decision Invalid(string reason) => new(false, DenialKind.Invalid, reason);

    public static Decision NotFound(string reason) => new(false, DenialKind.NotFound, reason);

    public Decision And(Func<Decision> next) => Allowed ? next() : this;
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
