using Parley.Domain.Common;

namespace Parley.Domain.Tests.Common;

public class DecisionTests
{
    [Fact]
    public void And_Allowed_ReturnsNextDecision()
    {
        var next = Decision.Forbidden(RefusalCodes.OwnerOnly, "Not this time.");

        Assert.Equal(next, Decision.Allow.And(() => next));
    }

    [Fact]
    public void And_Denied_KeepsFirstDenialAndSkipsNext()
    {
        var called = false;
        var first = Decision.Conflict(RefusalCodes.ChatAlreadyArchived, "Already done.");

        var result = first.And(() =>
        {
            called = true;
            return Decision.Allow;
        });

        Assert.Equal(first, result);
        Assert.False(called);
    }

    [Fact]
    public void RuleViolationException_Decision_CarriesReasonAsMessage()
    {
        var ex = new RuleViolationException(Decision.Invalid(RefusalCodes.RatingOutOfRange, "A rating is a whole number from 1 to 5."));

        Assert.Equal(DenialKind.Invalid, ex.Decision.Kind);
        Assert.Equal("A rating is a whole number from 1 to 5.", ex.Message);
        Assert.Equal("rating_out_of_range", ex.Decision.Code);
    }

    [Fact]
    public void Refusal_WithValues_KeepsThemNamedAndInvariant()
    {
        var decision = Decision.Forbidden(RefusalCodes.EditWindowPassed, "Telegram allows this only within 48 hours of sending.", ("channel", "Telegram"), ("hours", 48.5));

        Assert.Equal("edit_window_passed", decision.Code);
        Assert.Equal("Telegram", decision.Args["channel"]);
        Assert.Equal("48.5", decision.Args["hours"]);
    }

    [Fact]
    public void Allow_HasNoCodeAndNoValues()
    {
        Assert.Null(Decision.Allow.Code);
        Assert.Empty(Decision.Allow.Args);
    }
}
