namespace AdManager.Grains.Pipeline.Extract;

/// <summary>The quoting rule a malformed CSV record breaks.</summary>
internal enum CsvProblem
{
    None = 0,

    /// <summary>A <c>"</c> inside a field that does not start with one.</summary>
    QuoteInUnquotedField = 1,

    /// <summary>Something other than a comma or a line break right after a closing quote.</summary>
    TextAfterClosingQuote = 2,

    /// <summary>A quoted field runs to the end of the data.</summary>
    UnclosedQuote = 3,
}
