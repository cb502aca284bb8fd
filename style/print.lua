-- The print edition (Typst) of what the site shows with folds and colours, for style/book.typ:
-- a folded cell's label ("Provided setup") printed above its code, outputs marked so that they
-- are set apart from code, and a paragraph that is only a bold label ("Task") kept with what
-- follows it. A chapter's summary list is kept whole, on the page of its heading: split, its
-- last bullet or two would stand alone on the chapter's final page.
if not quarto.doc.is_format("typst") then
  return {}
end

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

-- The blocks of ``block`` inside a Typst call that takes content: ``#name[`` ... ``]``.
local function wrapped(call, block)
  return { pandoc.RawBlock("typst", call .. "["), block, pandoc.RawBlock("typst", "]") }
end

local function mark_outputs(div)
  local content = pandoc.List()
  for _, block in ipairs(div.content) do
    if block.t == "CodeBlock" then
      content:extend(wrapped("#book-output", block))
    else
      content:insert(block)
    end
  end
  div.content = content
  return div
end

local function label_folds(cell)
  local content = pandoc.List()
  for _, block in ipairs(cell.content) do
    local summary = block.t == "CodeBlock" and block.attributes["code-fold"]
      and block.attributes["code-summary"]
    if summary then
      content:insert(pandoc.RawBlock("typst", "#book-fold-label(" .. typst_string(summary) .. ")"))
    end
    content:insert(block)
  end
  cell.content = content
  return cell
end

local function keep_summaries_whole(blocks)
  local result = pandoc.List()
  for i, block in ipairs(blocks) do
    local previous = blocks[i - 1]
    local after_summary = previous and previous.t == "Header" and previous.level == 2
      and pandoc.utils.stringify(previous.content) == "Summary"
    if after_summary and block.t == "BulletList" then
      result:extend(wrapped("#block(breakable: false)", block))
    else
      result:insert(block)
    end
  end
  return result
end

return {
  {
    Blocks = keep_summaries_whole,
    Div = function(div)
      if div.classes:includes("cell-output") then
        return mark_outputs(div)
      end
      if div.classes:includes("cell") then
        return label_folds(div)
      end
    end,
    Para = function(para)
      if #para.content == 1 and para.content[1].t == "Strong" then
        return wrapped("#book-label", para)
      end
    end,
  },
}
