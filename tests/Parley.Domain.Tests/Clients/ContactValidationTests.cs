using Parley.Domain.Clients;

namespace Parley.Domain.Tests.Clients;

public class ContactValidationTests
{
    [Theory]
    [InlineData("anna@example.com")]
    [InlineData("anna.k+support@mail.example.co.uk")]
    [InlineData("ANNA@EXAMPLE.COM")]
    [InlineData("o_brien-1@sub.example.ie")]
    public void IsEmail_WellFormedAddress_True(string email)
    {
        Assert.True(ContactValidation.IsEmail(email));
    }

    [Theory]
    [InlineData("")]
    [InlineData("anna")]
    [InlineData("anna@")]
    [InlineData("@example.com")]
    [InlineData("anna@example")] // no dot anywhere
    [InlineData("anna@@example.com")]
    [InlineData("anna example@example.com")]
    [InlineData("anna@exa mple.com")]
    [InlineData("anna@example..com")]
    [InlineData("Anna <anna@example.com>")] // a display name is not an address
    [InlineData(" anna@example.com")]
    public void IsEmail_MalformedAddress_False(string email)
    {
        Assert.False(ContactValidation.IsEmail(email));
    }

    [Fact]
    public void IsEmail_LongerThan254Characters_False()
    {
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com";

        Assert.True(email.Length > 254);
        Assert.False(ContactValidation.IsEmail(email));
    }

    [Fact]
    public void IsEmail_DotOnlyInLocalPart_False()
    {
        Assert.False(ContactValidation.IsEmail("anna.k@localhost"));
    }

    [Theory]
    [InlineData("+38 (050) 123-45-67", "+380501234567")]
    [InlineData("+380501234567", "+380501234567")]
    [InlineData("00380501234567", "+380501234567")]
    [InlineData("00 48 600-700-800", "+48600700800")]
    [InlineData("+1.202.555.0143", "+12025550143")]
    [InlineData("  +48 600 700 800  ", "+48600700800")]
    public void ToE164_TypedInternationalNumber_Normalized(string typed, string expected)
    {
        Assert.Equal(expected, ContactValidation.ToE164(typed));
    }

    [Theory]
    [InlineData("+12345678", "+12345678")] // 8 digits
    [InlineData("+123456789012345", "+123456789012345")] // 15 digits
    public void ToE164_DigitCountAtBoundaries_Accepted(string typed, string expected)
    {
        Assert.Equal(expected, ContactValidation.ToE164(typed));
    }

    [Theory]
    [InlineData("+1234567")] // 7 digits
    [InlineData("+1234567890123456")] // 16 digits
    public void ToE164_DigitCountOutsideEightToFifteen_Null(string typed)
    {
        Assert.Null(ContactValidation.ToE164(typed));
    }

    [Theory]
    [InlineData("050 123 45 67")] // national format, no country code
    [InlineData("+0501234567")] // country code cannot start with 0
    [InlineData("000501234567")]
    [InlineData("+38 050 ABC 45 67")]
    [InlineData("+38/050/1234567")]
    [InlineData("+38 050 123 45 67 ext. 5")]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("00")]
    public void ToE164_NotAnInternationalNumber_Null(string typed)
    {
        Assert.Null(ContactValidation.ToE164(typed));
    }
}
