using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GenImage.Core.Recipes;

/// <summary>The kind of a YAML node.</summary>
internal enum YamlKind
{
    Scalar,
    Sequence,
    Mapping,
}

/// <summary>
/// A YAML node with the line and column where it starts. Built from the parser's events rather than a
/// deserializer so that every node keeps its position and a mapping keeps duplicate keys for reporting.
/// </summary>
internal sealed class YamlTreeNode
{
    public YamlTreeNode(YamlKind kind, int line, int column)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public YamlKind Kind { get; }
    public int Line { get; }
    public int Column { get; }
    /// <summary>The scalar's text (null for collections).</summary>
    public string? Value { get; set; }
    /// <summary>True for a plain (unquoted) scalar: only those can be numbers, booleans or null.</summary>
    public bool Plain { get; set; }
    public List<YamlTreeNode> Items { get; } = new List<YamlTreeNode>();
    public List<KeyValuePair<YamlTreeNode, YamlTreeNode>> Pairs { get; } = new List<KeyValuePair<YamlTreeNode, YamlTreeNode>>();

    /// <summary>A plain empty scalar, ~ or null.</summary>
    public bool IsNull => Kind == YamlKind.Scalar && Plain &&
        (string.IsNullOrEmpty(Value) || Value == "~" || string.Equals(Value, "null", StringComparison.OrdinalIgnoreCase));

    public string Describe() => Kind switch
    {
        YamlKind.Mapping => "a mapping",
        YamlKind.Sequence => "a list",
        _ => IsNull ? "an empty value" : $"'{Value}'",
    };

    /// <summary>The value of the last pair with this key (mappings only).</summary>
    public YamlTreeNode? Get(string key)
    {
        YamlTreeNode? found = null;
        foreach (var pair in Pairs)
        {
            if (string.Equals(pair.Key.Value, key, StringComparison.Ordinal))
            {
                found = pair.Value;
            }
        }
        return found;
    }
}

/// <summary>Reads YAML text into <see cref="YamlTreeNode"/> documents.</summary>
internal static class YamlTree
{
    /// <summary>Every document of the text. Throws <see cref="YamlException"/> (with its position) on bad YAML.</summary>
    public static List<YamlTreeNode> Load(string text)
    {
        var documents = new List<YamlTreeNode>();
        var anchors = new Dictionary<string, YamlTreeNode>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<YamlTreeNode>();
        var pendingKey = new Stack<YamlTreeNode?>();

        void Attach(YamlTreeNode node)
        {
            if (stack.Count == 0)
            {
                documents.Add(node);
                return;
            }
            var parent = stack.Peek();
            if (parent.Kind == YamlKind.Sequence)
            {
                parent.Items.Add(node);
            }
            else
            {
                var key = pendingKey.Pop();
                if (key == null)
                {
                    pendingKey.Push(node);
                }
                else
                {
                    parent.Pairs.Add(new KeyValuePair<YamlTreeNode, YamlTreeNode>(key, node));
                    pendingKey.Push(null);
                }
            }
        }

        var last = Mark.Empty;
        while (Next(parser, ref last))
        {
            var ev = parser.Current!;
            last = ev.End;
            var line = (int)ev.Start.Line;
            var column = (int)ev.Start.Column;
            switch (ev)
            {
                case Scalar scalar:
                {
                    var node = new YamlTreeNode(YamlKind.Scalar, line, column)
                    {
                        Value = scalar.Value,
                        Plain = scalar.Style == ScalarStyle.Plain,
                    };
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = node;
                    }

                    Attach(node);
                    break;
                }
                case SequenceStart seq:
                {
                    var node = new YamlTreeNode(YamlKind.Sequence, line, column);
                    if (!seq.Anchor.IsEmpty)
                    {
                        anchors[seq.Anchor.Value] = node;
                    }

                    Attach(node);
                    stack.Push(node);
                    break;
                }
                case MappingStart map:
                {
                    var node = new YamlTreeNode(YamlKind.Mapping, line, column);
                    if (!map.Anchor.IsEmpty)
                    {
                        anchors[map.Anchor.Value] = node;
                    }

                    Attach(node);
                    stack.Push(node);
                    pendingKey.Push(null);
                    break;
                }
                case SequenceEnd _:
                    stack.Pop();
                    break;
                case MappingEnd _:
                    stack.Pop();
                    pendingKey.Pop();
                    break;
                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new YamlException(ev.Start, ev.End, $"The alias *{alias.Value.Value} names no anchor.");
                    }
                    Attach(target);
                    break;
            }
        }
        return documents;
    }

    private static bool Next(Parser parser, ref Mark last)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (InvalidOperationException ex)
        {
            // The scanner gives up on some unterminated constructs without a position; report where parsing stopped.
            throw new YamlException(last, last, "the text ends inside an unterminated list, mapping or quoted value", ex);
        }
    }
}
